-- Reports (flags) get a resolution: which moderator dealt with them and when.
ALTER TABLE flags ADD COLUMN resolved_at INTEGER;
ALTER TABLE flags ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
CREATE INDEX flags_subject ON flags(subject_kind, subject_id);
