-- Lifecycle and roles per procedure (issue 14).
--
-- A procedure is a draft (seen only by its team and through a preview
-- link), published, closed (readable, no new contributions, comments or
-- ratings) or archived (readable, listed apart). Procedures that exist
-- before this migration were public, so they stay published.
ALTER TABLE procedures ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft','published','closed','archived'));

-- Planners and moderators act in the procedures they are members of, or in
-- every procedure when all_procedures is set. Accounts that exist before
-- this migration acted everywhere, so they keep doing so (all_procedures
-- defaults to 1) until an admin restricts them; admins are always global.
ALTER TABLE users ADD COLUMN all_procedures INTEGER NOT NULL DEFAULT 1;

CREATE TABLE procedure_members (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, procedure_id)
) WITHOUT ROWID;
CREATE INDEX procedure_members_procedure ON procedure_members(procedure_id);

-- Page views per procedure and day (UTC), counted without cookies or
-- addresses: only the number.
CREATE TABLE procedure_views (
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    day          TEXT    NOT NULL,
    views        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (procedure_id, day)
) WITHOUT ROWID;
