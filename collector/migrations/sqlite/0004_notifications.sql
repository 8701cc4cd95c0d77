-- The owner's e-mail replies to visitors, each sent through a notification row of kind 'reply'.
CREATE TABLE reply (
    id           INTEGER PRIMARY KEY,
    feedback_id  TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    -- The Message-ID it is sent with, made when it is written so every try carries the same one
    -- and later replies can thread under it.
    message_id   TEXT    NOT NULL,
    -- Unix seconds.
    created_at   INTEGER NOT NULL
);

CREATE INDEX reply_feedback ON reply (feedback_id);

-- One row per digest period that has come to an end, whether or not it had anything to say, so
-- that a period is summed up once however often the collector restarts.
CREATE TABLE digest (
    id           INTEGER PRIMARY KEY,
    -- The period, Unix seconds: [period_start, period_end).
    period_start INTEGER NOT NULL,
    period_end   INTEGER NOT NULL UNIQUE,
    -- The digest as JSON, sent the same on every try; NULL when there was nothing to say.
    body         TEXT,
    created_at   INTEGER NOT NULL
);

-- The owner's private note when marking a response followed up.
ALTER TABLE feedback ADD COLUMN follow_up_note TEXT;

-- The notifications outbox: one row per message owed to one of the owner's channels, written in
-- the same transaction as the response it is about, so a stored response can never miss its
-- alert. A worker sends what is due and records how it went.
CREATE TABLE notification (
    id           INTEGER PRIMARY KEY,
    -- alert | digest | reply | test
    kind         TEXT    NOT NULL,
    -- Which configured channel: "email", "webhook:<hash>", "slack:<hash>".
    channel      TEXT    NOT NULL,
    -- The response it is about, if any, and for a reply which one.
    feedback_id  TEXT,
    reply_id     INTEGER REFERENCES reply (id),
    digest_id    INTEGER REFERENCES digest (id),
    -- pending | sent | failed
    status       TEXT    NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    -- Unix seconds.
    created_at   INTEGER NOT NULL,
    next_try_at  INTEGER NOT NULL,
    sent_at      INTEGER,
    last_error   TEXT
);

-- Only what is still to be sent: a delivered notification leaves the index.
CREATE INDEX notification_due ON notification (next_try_at) WHERE status = 'pending';
CREATE INDEX notification_feedback ON notification (feedback_id);
