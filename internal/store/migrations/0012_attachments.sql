-- Files planners attach to a procedure (the plan's PDF, a leaflet, a plan
-- variant's image). The bytes live in the database, so that a backup holds
-- them. page_slug ties a file to a content page, conception_key to a plan
-- variant; both empty: a download of the procedure itself. IF NOT EXISTS: the
-- migration-7 test re-applies every migration after 7 (comment_moderation_test.go).
CREATE TABLE IF NOT EXISTS attachments (
    id             INTEGER PRIMARY KEY,
    procedure_id   INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    page_slug      TEXT    NOT NULL DEFAULT '',
    conception_key TEXT    NOT NULL DEFAULT '',
    title          TEXT    NOT NULL,
    filename       TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT    NOT NULL,
    data           BLOB    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attachments_procedure ON attachments(procedure_id, id);
