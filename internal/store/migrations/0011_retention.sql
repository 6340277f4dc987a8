-- Data protection (GDPR Art. 5(1)(e), Art. 17): a contribution whose text
-- was erased — by the procedure's retention rule or by its author — stays
-- as a tombstone (status, category, type, origin, times, counts) so that
-- statistics and the audit trail keep their numbers; erased_at says when.
ALTER TABLE contributions ADD COLUMN erased_at INTEGER;
CREATE INDEX contributions_erasable ON contributions(procedure_id, status, updated_at) WHERE erased_at IS NULL;
