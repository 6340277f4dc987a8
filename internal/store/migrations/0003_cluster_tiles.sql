-- Published, located contributions counted per Web Mercator tile at zoom
-- levels 10–19, kept up to date by every write, so a low-zoom map view
-- reads a few dozen rows instead of grouping a million.
CREATE TABLE cluster_tiles (
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    z            INTEGER NOT NULL,
    x            INTEGER NOT NULL,
    y            INTEGER NOT NULL,
    n            INTEGER NOT NULL,
    sum_lon      REAL    NOT NULL,
    sum_lat      REAL    NOT NULL,
    PRIMARY KEY (procedure_id, z, x, y)
) WITHOUT ROWID;
-- Existing contributions are counted by the program right after this migration (store.Migrate).
