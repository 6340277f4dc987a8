-- The version of a procedure's spatial index: counts the writes that
-- changed it (a located contribution added, moved, published, hidden or
-- withdrawn). The kept tile entries of the map's viewports are read once
-- per geo_version instead of once per version, so ratings and comments
-- no longer make every street read its tiles again.
ALTER TABLE procedures ADD COLUMN geo_version INTEGER NOT NULL DEFAULT 0;
