-- Every response gets a number of its own, in the order it was stored, that nothing renumbers:
-- a table without an INTEGER PRIMARY KEY may have its rowids changed by VACUUM, and the
-- dashboard's order and the notifications' link to their response must survive a vacuum or a
-- backup. AUTOINCREMENT so that a number is never handed out twice, even after the newest
-- response is deleted.
CREATE TABLE feedback_numbered (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    received_at     TEXT    NOT NULL,
    origin          TEXT,
    schema_version  INTEGER NOT NULL,
    rating          INTEGER NOT NULL,
    scale           INTEGER NOT NULL,
    comment         TEXT    NOT NULL,
    email           TEXT,
    page_url        TEXT    NOT NULL,
    page_title      TEXT    NOT NULL,
    page_referrer   TEXT    NOT NULL,
    locale          TEXT    NOT NULL,
    user_agent      TEXT    NOT NULL,
    viewport_width  INTEGER NOT NULL,
    viewport_height INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    widget_version  TEXT    NOT NULL,
    honeypot        TEXT    NOT NULL,
    spam            INTEGER NOT NULL,
    followed_up_at  TEXT,
    clock_skewed    INTEGER NOT NULL DEFAULT 0,
    follow_up_note  TEXT
);

INSERT INTO feedback_numbered (seq, id, received_at, origin, schema_version, rating, scale, comment, email, page_url,
    page_title, page_referrer, locale, user_agent, viewport_width, viewport_height, created_at, widget_version,
    honeypot, spam, followed_up_at, clock_skewed, follow_up_note)
SELECT rowid, id, received_at, origin, schema_version, rating, scale, comment, email, page_url,
    page_title, page_referrer, locale, user_agent, viewport_width, viewport_height, created_at, widget_version,
    honeypot, spam, followed_up_at, clock_skewed, follow_up_note
FROM feedback ORDER BY rowid;

DROP TABLE feedback;
ALTER TABLE feedback_numbered RENAME TO feedback;
CREATE INDEX feedback_received_at ON feedback (received_at);

-- Notifications find their response by its number. Response ids are random (made by each
-- visitor's browser), so an index on them takes a write at a random place for every alert;
-- numbers only grow, so their index is appended to. Measured on this project's benchmark
-- machine: the id index cost about a sixth of the collector's throughput with alerts on.
ALTER TABLE notification ADD COLUMN feedback_seq INTEGER;
UPDATE notification SET feedback_seq = (SELECT seq FROM feedback WHERE feedback.id = notification.feedback_id)
WHERE feedback_id IS NOT NULL;
DROP INDEX notification_feedback;
CREATE INDEX notification_feedback_seq ON notification (feedback_seq) WHERE feedback_seq IS NOT NULL;

-- A reply's delivery is looked up from the reply; only replies are in this index.
CREATE INDEX notification_reply ON notification (reply_id) WHERE reply_id IS NOT NULL;
