-- Site content the operators write in the back office (issue 17): their
-- own text of a site page (Impressum, Datenschutz, Barrierefreiheit,
-- Kontakt) in one variant (de, en, easy, tr, ar, uk), shown instead of the
-- text the program ships; and the videos in German Sign Language (DGS) with
-- their WebVTT captions, one for the site (procedure_id 0) and one per
-- procedure.
CREATE TABLE site_pages (
    name       TEXT    NOT NULL,
    variant    TEXT    NOT NULL,
    body_md    TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (name, variant)
);
CREATE TABLE sign_videos (
    procedure_id INTEGER PRIMARY KEY,
    mime         TEXT    NOT NULL,
    video        BLOB    NOT NULL,
    captions     TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    updated_by   TEXT    NOT NULL DEFAULT ''
);
