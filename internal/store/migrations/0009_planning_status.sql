-- Planning status: besides the moderation state, a public status that tells
-- residents what became of a contribution (received, under review, …; the
-- keys a procedure allows are moderation.PlanningStatuses). '' is none.
ALTER TABLE contributions ADD COLUMN planning_status TEXT NOT NULL DEFAULT '';
CREATE INDEX contributions_planning ON contributions(procedure_id, status, planning_status, created_at);

-- Published features carry the property (DESIGN.md); the ready bytes of
-- the rows already stored get it too.
UPDATE contributions SET feature = CAST(json_set(CAST(feature AS TEXT), '$.properties.planning_status', '') AS BLOB);

-- Every change of a planning status, kept for the Atom feeds (the events
-- table is pruned after a day; this history is not).
CREATE TABLE planning_status_changes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    contribution_seq INTEGER NOT NULL REFERENCES contributions(seq),
    procedure_id     INTEGER NOT NULL REFERENCES procedures(id),
    status           TEXT    NOT NULL,
    at               INTEGER NOT NULL
);
CREATE INDEX planning_status_changes_procedure ON planning_status_changes(procedure_id, at);
CREATE INDEX planning_status_changes_contribution ON planning_status_changes(contribution_seq, at);
