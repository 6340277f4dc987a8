-- Mitreden schema, version 1. Times are Unix milliseconds (UTC).

CREATE TABLE procedures (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL,
    summary_md    TEXT    NOT NULL DEFAULT '',
    intro_md      TEXT    NOT NULL DEFAULT '',
    intro_easy_md TEXT    NOT NULL DEFAULT '',
    i18n_json     TEXT    NOT NULL DEFAULT '{}',
    theme         TEXT    NOT NULL DEFAULT '',
    area          TEXT,
    map_json      TEXT    NOT NULL DEFAULT '{}',
    settings_json TEXT    NOT NULL DEFAULT '{}',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE phases (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('information','participation','evaluation','results')),
    title        TEXT    NOT NULL DEFAULT '',
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL CHECK (ends_at > starts_at)
);
CREATE INDEX phases_procedure ON phases(procedure_id, starts_at);

CREATE TABLE pages (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    slug         TEXT    NOT NULL,
    locale       TEXT    NOT NULL DEFAULT 'de',
    title        TEXT    NOT NULL,
    body_md      TEXT    NOT NULL DEFAULT '',
    easy_md      TEXT    NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,
    UNIQUE (procedure_id, slug, locale)
);

CREATE TABLE categories (
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    labels_json  TEXT    NOT NULL DEFAULT '{}',
    colour       TEXT    NOT NULL DEFAULT '#005ca9',
    icon         TEXT    NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (procedure_id, key)
);

CREATE TABLE types (
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    labels_json  TEXT    NOT NULL DEFAULT '{}',
    position     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (procedure_id, key)
);

CREATE TABLE places (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL DEFAULT '',
    lon          REAL    NOT NULL,
    lat          REAL    NOT NULL
);
CREATE INDEX places_procedure ON places(procedure_id, name);

-- seq is the internal row number (R*Tree and FTS5 key); id is the public UUID.
-- feature holds the contribution's GeoJSON Feature as ready bytes, rendered at
-- every write, so that a viewport answer is an indexed query plus concatenation.
CREATE TABLE contributions (
    seq               INTEGER PRIMARY KEY,
    id                TEXT    NOT NULL UNIQUE,
    procedure_id      INTEGER NOT NULL REFERENCES procedures(id),
    category          TEXT    NOT NULL,
    type              TEXT    NOT NULL DEFAULT '',
    keywords          TEXT    NOT NULL DEFAULT '',
    title             TEXT    NOT NULL,
    text              TEXT    NOT NULL,
    geom_type         TEXT    NOT NULL DEFAULT 'none',
    geometry          TEXT,
    lon               REAL,
    lat               REAL,
    author_name       TEXT    NOT NULL DEFAULT '',
    origin            TEXT    NOT NULL DEFAULT 'online',
    status            TEXT    NOT NULL DEFAULT 'published'
                      CHECK (status IN ('submitted','published','hidden','merged','withdrawn')),
    reason            TEXT    NOT NULL DEFAULT '',
    merged_into       TEXT,
    manage_token_hash BLOB    UNIQUE,
    import_key        TEXT    UNIQUE,
    up                INTEGER NOT NULL DEFAULT 0,
    down              INTEGER NOT NULL DEFAULT 0,
    comments          INTEGER NOT NULL DEFAULT 0,
    feature           BLOB    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX contributions_list ON contributions(procedure_id, status, created_at);
CREATE INDEX contributions_category ON contributions(procedure_id, status, category, created_at);
CREATE INDEX contributions_rated ON contributions(procedure_id, status, up);
CREATE INDEX contributions_commented ON contributions(procedure_id, status, comments);

CREATE VIRTUAL TABLE contributions_rtree USING rtree(seq, min_lon, max_lon, min_lat, max_lat);

CREATE VIRTUAL TABLE contributions_fts USING fts5(
    title, text, content='contributions', content_rowid='seq',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER contributions_fts_ai AFTER INSERT ON contributions BEGIN
    INSERT INTO contributions_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER contributions_fts_ad AFTER DELETE ON contributions BEGIN
    INSERT INTO contributions_fts(contributions_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER contributions_fts_au AFTER UPDATE OF title, text ON contributions BEGIN
    INSERT INTO contributions_fts(contributions_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO contributions_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

CREATE TABLE comments (
    id               INTEGER PRIMARY KEY,
    contribution_seq INTEGER NOT NULL REFERENCES contributions(seq),
    parent_id        INTEGER REFERENCES comments(id),
    text             TEXT    NOT NULL,
    author_name      TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'published',
    created_at       INTEGER NOT NULL
);
CREATE INDEX comments_contribution ON comments(contribution_seq, created_at);

CREATE TABLE ratings (
    contribution_seq INTEGER NOT NULL REFERENCES contributions(seq),
    voter_hash       BLOB    NOT NULL,
    value            INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (contribution_seq, voter_hash)
) WITHOUT ROWID;

CREATE TABLE responses (
    id               INTEGER PRIMARY KEY,
    contribution_seq INTEGER NOT NULL REFERENCES contributions(seq),
    user_id          INTEGER REFERENCES users(id),
    author           TEXT    NOT NULL DEFAULT '',
    text_md          TEXT    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX responses_contribution ON responses(contribution_seq);

CREATE TABLE flags (
    id           INTEGER PRIMARY KEY,
    subject_kind TEXT    NOT NULL CHECK (subject_kind IN ('contribution','comment')),
    subject_id   TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL DEFAULT '',
    role          TEXT    NOT NULL CHECK (role IN ('admin','planner','moderator')),
    created_at    INTEGER NOT NULL
);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash       BLOB    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used  INTEGER
);

CREATE TABLE sessions (
    key        TEXT    PRIMARY KEY,
    value      BLOB    NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    at          INTEGER NOT NULL
);

-- Every public change is an event; its id is the SSE id, so Last-Event-ID resumes here.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    type         TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX events_procedure ON events(procedure_id, id);

CREATE TABLE appointments (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    address      TEXT    NOT NULL DEFAULT '',
    lon          REAL,
    lat          REAL
);

CREATE TABLE conceptions (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    body_md      TEXT    NOT NULL DEFAULT '',
    image        TEXT    NOT NULL DEFAULT '',
    image_alt    TEXT    NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    up           INTEGER NOT NULL DEFAULT 0,
    down         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (procedure_id, key)
);
