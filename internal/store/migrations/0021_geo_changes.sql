-- The changes of a procedure's spatial index, one row per geo_version: the
-- box the change touched (a move's old and new place together). A map tile
-- kept at an earlier geo_version is still right when no change since then
-- overlaps it (internal/viewport), so a new contribution makes only the
-- tiles around it be read again, not every tile of the procedure. Only the
-- newest changes are kept (store.geoChanged prunes the older ones).
CREATE TABLE geo_changes (
  procedure_id INTEGER NOT NULL,
  geo_version INTEGER NOT NULL,
  min_lon REAL NOT NULL,
  min_lat REAL NOT NULL,
  max_lon REAL NOT NULL,
  max_lat REAL NOT NULL,
  PRIMARY KEY (procedure_id, geo_version)
) WITHOUT ROWID;
