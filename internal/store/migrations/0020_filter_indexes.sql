-- Indexes for the list filters by geometry type, type and origin: their
-- pages are read in creation order along them and their matches counted
-- from them alone (each count read every published row, 40-85 ms at
-- 100,000 contributions, once per procedure version and filter).
CREATE INDEX contributions_geom ON contributions(procedure_id, status, geom_type, created_at);
CREATE INDEX contributions_type ON contributions(procedure_id, status, type, created_at);
CREATE INDEX contributions_origin ON contributions(procedure_id, status, origin, created_at);
