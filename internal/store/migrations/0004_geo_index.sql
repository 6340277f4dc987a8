-- The spatial index carries what a viewport query filters and sorts by
-- (procedure, published, creation time) as R*Tree auxiliary columns, so
-- SQLite picks the newest contributions in view inside the index and reads
-- only the rows it returns.
CREATE VIRTUAL TABLE contributions_geo USING rtree(
    seq, min_lon, max_lon, min_lat, max_lat,
    +procedure_id INTEGER, +published INTEGER, +created_at INTEGER
);
INSERT INTO contributions_geo(seq, min_lon, max_lon, min_lat, max_lat, procedure_id, published, created_at)
    SELECT r.seq, r.min_lon, r.max_lon, r.min_lat, r.max_lat, c.procedure_id, c.status = 'published', c.created_at
    FROM contributions_rtree r JOIN contributions c ON c.seq = r.seq;
DROP TABLE contributions_rtree;
