-- Issue 18, places: the sub-areas planners draw inside a procedure (a
-- district's quarters, the parts of a park), each a name and one polygon
-- (GeoJSON, WGS84); the analysis counts contributions per sub-area.
CREATE TABLE IF NOT EXISTS sub_areas (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    area         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sub_areas_procedure ON sub_areas(procedure_id, id);
