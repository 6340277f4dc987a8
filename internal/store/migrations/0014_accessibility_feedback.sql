-- Feedback on the site's accessibility (BITV 2.0 §7): what a resident
-- reports from the accessibility statement. contact is optional and is
-- erased when the report is dealt with.
CREATE TABLE accessibility_feedback (
    id         INTEGER PRIMARY KEY,
    message    TEXT    NOT NULL,
    page       TEXT    NOT NULL DEFAULT '',
    contact    TEXT    NOT NULL DEFAULT '',
    locale     TEXT    NOT NULL DEFAULT 'de',
    created_at INTEGER NOT NULL,
    done_at    INTEGER,
    done_by    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX accessibility_feedback_open ON accessibility_feedback(done_at, created_at);
