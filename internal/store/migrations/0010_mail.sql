-- E-mail (issue 15): residents' subscriptions, the outbox, staff digests and
-- password resets. No e-mail address of a resident is stored in clear: the
-- sealed column holds it encrypted (AES-GCM, key from the server secret)
-- together with the manage token and the subscription's own token, and is
-- deleted at once on unsubscribe or withdrawal. IF NOT EXISTS: applying it again
-- is harmless (the migration-7 test replays every later migration).
CREATE TABLE IF NOT EXISTS mail_subscriptions (
    id              INTEGER PRIMARY KEY,
    contribution_id TEXT    NOT NULL UNIQUE,
    sealed          BLOB    NOT NULL,
    token_hash      BLOB    NOT NULL UNIQUE,
    email_hash      BLOB    NOT NULL, -- keyed hash of the address: bounds unconfirmed requests per address
    locale          TEXT    NOT NULL DEFAULT 'de',
    state           TEXT    NOT NULL CHECK (state IN ('pending','confirmed')),
    created_at      INTEGER NOT NULL,
    confirmed_at    INTEGER
);

-- One row per message. message_id is the Message-ID header, the same on
-- every attempt. Addresses are read when the message is sent: a resident's
-- from mail_subscriptions (gone after unsubscribe: the message is
-- cancelled), staff's from users. data_json holds what the text needs (no
-- address); sealed holds secrets (a reset token), encrypted; both are
-- emptied once the message is sent.
CREATE INDEX IF NOT EXISTS mail_subscriptions_address ON mail_subscriptions(email_hash, state, created_at);

CREATE TABLE IF NOT EXISTS outbox (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    subscription_id INTEGER,
    user_id         INTEGER,
    data_json       TEXT    NOT NULL DEFAULT '{}',
    sealed          BLOB,
    state           TEXT    NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued','sending','sent','failed','cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_at         INTEGER NOT NULL,
    lease_until     INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_at);
CREATE INDEX IF NOT EXISTS outbox_subscription ON outbox(subscription_id);

-- Staff digests: how often, and how far the last digest went (contribution
-- seq and flag id are both increasing).
CREATE TABLE IF NOT EXISTS mail_digests (
    user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    frequency   TEXT    NOT NULL CHECK (frequency IN ('off','immediately','hourly','daily')),
    last_seq    INTEGER NOT NULL DEFAULT 0,
    last_flag   INTEGER NOT NULL DEFAULT 0,
    last_run_at INTEGER NOT NULL DEFAULT 0
);

-- Password reset tokens, stored hashed, single use, expiring.
CREATE TABLE IF NOT EXISTS password_resets (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
