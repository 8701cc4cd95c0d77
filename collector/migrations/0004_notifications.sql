-- The notifications outbox: one row per message owed to one of the owner's channels, written in
-- the same transaction as the response it is about, so a stored response can never miss its
-- alert. A worker sends what is due and records how it went.
CREATE TABLE notification (
    id           INTEGER PRIMARY KEY,
    -- alert | test (digests and replies come later under their own kinds)
    kind         TEXT    NOT NULL,
    -- Which configured channel: "email", "webhook:<hash>", "slack:<hash>".
    channel      TEXT    NOT NULL,
    -- The response it is about, if any.
    feedback_id  TEXT,
    -- pending | sent | failed
    status       TEXT    NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    -- Unix seconds.
    created_at   INTEGER NOT NULL,
    next_try_at  INTEGER NOT NULL,
    sent_at      INTEGER,
    last_error   TEXT
);

CREATE INDEX notification_due ON notification (status, next_try_at);
CREATE INDEX notification_feedback ON notification (feedback_id);
