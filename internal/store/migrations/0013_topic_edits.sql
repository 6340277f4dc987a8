-- The planners' edits of the computed topics (internal/analysis): a rename
-- gives a topic a name, a merge joins two topics, a split divides one in two
-- (members and other: the halves; label: each half's terms, a line each). Topics are recomputed for
-- every procedure version, so an edit names its topic by the contributions
-- it held when the planner made it (members, one id a line); a recomputed
-- topic takes the edit when it shares at least half of them (Jaccard).
-- IF NOT EXISTS: a test reruns the migrations after 7 on a database that has them.
CREATE TABLE IF NOT EXISTS topic_edits (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('rename', 'merge', 'split')),
    label        TEXT    NOT NULL DEFAULT '',
    members      TEXT    NOT NULL,
    other        TEXT    NOT NULL DEFAULT '', -- merge: the topic merged in; split: the second half
    created_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS topic_edits_procedure ON topic_edits(procedure_id, id);
