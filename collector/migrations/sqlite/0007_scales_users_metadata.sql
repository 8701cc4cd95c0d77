-- Schema version 2: each rating's scale by name, the signed-in visitor, and the owner's metadata.
-- Every response stored before was on the only scale version 1 has, five points: csat5. The
-- number of points it held is implied by the name.
ALTER TABLE feedback DROP COLUMN scale;
ALTER TABLE feedback ADD COLUMN scale TEXT NOT NULL DEFAULT 'csat5';
ALTER TABLE feedback ADD COLUMN user_id TEXT;
ALTER TABLE feedback ADD COLUMN user_email TEXT;
ALTER TABLE feedback ADD COLUMN user_name TEXT;
-- The metadata as a JSON object in the order the page gave it, for showing and exporting it;
-- NULL when there is none.
ALTER TABLE feedback ADD COLUMN metadata TEXT;

-- The same metadata one entry a row, for filtering by key and value: the index answers
-- `key = ? AND value = ?` with the matching responses' numbers without reading any response.
CREATE TABLE feedback_metadata (
    feedback_seq INTEGER NOT NULL REFERENCES feedback (seq),
    key          TEXT    NOT NULL,
    value        TEXT    NOT NULL
);
CREATE INDEX feedback_metadata_pair ON feedback_metadata (key, value, feedback_seq);
