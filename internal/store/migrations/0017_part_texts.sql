-- Issue 17: phases, appointments and plan variants are written in German
-- first and may carry their texts in other locales: a JSON object of
-- field → locale → text ({"title": {"tr": "…"}}), model.Texts.
ALTER TABLE phases ADD COLUMN texts_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE appointments ADD COLUMN texts_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE conceptions ADD COLUMN texts_json TEXT NOT NULL DEFAULT '{}';
