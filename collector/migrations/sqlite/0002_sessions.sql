-- Dashboard sessions, one per login. The cookie value itself is never stored, only its SHA-256,
-- so a copy of the database opens no session.
CREATE TABLE session (
    id_hash           TEXT    NOT NULL PRIMARY KEY,
    -- Which admin token logged in (part of its SHA-256): a new token ends the old sessions.
    token_fingerprint TEXT    NOT NULL,
    -- Unix seconds.
    created_at        INTEGER NOT NULL,
    last_seen_at      INTEGER NOT NULL
);
