-- Residents' comments and plan-variant comments share one id space, so that
-- a comment's number names exactly one comment (PATCH /api/v1/comments/{id},
-- reports on comments). New ids come from store.nextCommentID; existing
-- plan-variant comments move above the residents' comments (nothing refers
-- to them yet: they could not be reported). Two steps, so that no
-- intermediate id collides with another row.
UPDATE conception_comments SET id = -id;
UPDATE conception_comments SET id = -id + (SELECT COALESCE(MAX(id), 0) FROM comments);

-- The database itself refuses a number that the other table uses.
CREATE TRIGGER comments_one_id_space AFTER INSERT ON comments
WHEN EXISTS (SELECT 1 FROM conception_comments WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'comment id used by a plan-variant comment'); END;
CREATE TRIGGER comments_one_id_space_update AFTER UPDATE OF id ON comments
WHEN EXISTS (SELECT 1 FROM conception_comments WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'comment id used by a plan-variant comment'); END;
CREATE TRIGGER conception_comments_one_id_space AFTER INSERT ON conception_comments
WHEN EXISTS (SELECT 1 FROM comments WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'comment id used by a residents'' comment'); END;
CREATE TRIGGER conception_comments_one_id_space_update AFTER UPDATE OF id ON conception_comments
WHEN EXISTS (SELECT 1 FROM comments WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'comment id used by a residents'' comment'); END;

-- The moderation queue of plan-variant comments.
CREATE INDEX conception_comments_status ON conception_comments(status, created_at);
CREATE INDEX comments_status ON comments(status, created_at);
