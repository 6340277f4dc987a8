-- The contributions whose ready Feature bytes a write changed (an edit, a
-- rating, a comment, a status, a response), in the order of the writes.
-- A map tile's feature bytes read before are still right when none of its
-- contributions is among the changes since then (internal/viewport), so a
-- rating makes only the tiles holding that contribution read their bytes
-- again. Old changes are forgotten; feature_changes_floor is the highest
-- id forgotten, before which nothing is known.
CREATE TABLE feature_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  procedure_id INTEGER NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX feature_changes_procedure ON feature_changes(procedure_id, id);
CREATE TABLE feature_changes_floor (id INTEGER NOT NULL);
INSERT INTO feature_changes_floor(id) VALUES (0);
