-- Every event names the contribution (and, for comment events, the comment)
-- it is about, so that hiding, withdrawing, merging or editing can rewrite
-- the earlier events of its subject in the same transaction: removed text is
-- never replayed through Last-Event-ID.
ALTER TABLE events ADD COLUMN contribution_id TEXT;
ALTER TABLE events ADD COLUMN comment_id INTEGER;

UPDATE events SET contribution_id = json_extract(CAST(data AS TEXT), '$.id')
 WHERE type LIKE 'contribution.%' AND json_valid(CAST(data AS TEXT));
UPDATE events SET contribution_id = json_extract(CAST(data AS TEXT), '$.contribution_id'),
                  comment_id      = json_extract(CAST(data AS TEXT), '$.id')
 WHERE type LIKE 'comment.%' AND json_valid(CAST(data AS TEXT));

CREATE INDEX events_contribution ON events(contribution_id) WHERE contribution_id IS NOT NULL;
CREATE INDEX events_comment ON events(comment_id) WHERE comment_id IS NOT NULL;

-- Scrub what older versions kept: events of contributions that are no longer
-- published become removal notices, the others carry the current feature;
-- comment events of hidden comments or unpublished contributions likewise.
UPDATE events SET type = 'contribution.removed',
       data = CAST(json_object('id', contribution_id,
              'status', (SELECT c.status FROM contributions c WHERE c.id = events.contribution_id)) AS BLOB)
 WHERE comment_id IS NULL AND contribution_id IS NOT NULL
   AND (SELECT c.status FROM contributions c WHERE c.id = events.contribution_id) IS NOT 'published';
UPDATE events SET data = (SELECT c.feature FROM contributions c WHERE c.id = events.contribution_id)
 WHERE comment_id IS NULL AND type IN ('contribution.created', 'contribution.updated')
   AND EXISTS (SELECT 1 FROM contributions c WHERE c.id = events.contribution_id AND c.status = 'published');
UPDATE events SET type = 'comment.removed',
       data = CAST(json_object('id', comment_id, 'contribution_id', contribution_id) AS BLOB)
 WHERE comment_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM comments m JOIN contributions c ON c.seq = m.contribution_seq
        WHERE m.id = events.comment_id AND m.status = 'published' AND c.status = 'published');
-- Events with no subject that can be told (malformed data) are dropped.
DELETE FROM events WHERE contribution_id IS NULL AND (type LIKE 'contribution.%' OR type LIKE 'comment.%');
