-- Residents rate and comment on each plan variant ("Konzeptionsvergleich").

ALTER TABLE conceptions ADD COLUMN comments INTEGER NOT NULL DEFAULT 0;

CREATE TABLE conception_ratings (
    conception_id INTEGER NOT NULL REFERENCES conceptions(id) ON DELETE CASCADE,
    voter_hash    BLOB    NOT NULL,
    value         INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (conception_id, voter_hash)
) WITHOUT ROWID;

CREATE TABLE conception_comments (
    id            INTEGER PRIMARY KEY,
    conception_id INTEGER NOT NULL REFERENCES conceptions(id) ON DELETE CASCADE,
    text          TEXT    NOT NULL,
    author_name   TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'published',
    created_at    INTEGER NOT NULL
);
CREATE INDEX conception_comments_by ON conception_comments(conception_id, created_at);
