-- Issue 15: a resident may also ask to hear when someone comments on their
-- contribution (a "reply" message, at most one per contribution per hour).
ALTER TABLE mail_subscriptions ADD COLUMN replies INTEGER NOT NULL DEFAULT 0;
