-- One row per response, keyed by the id the widget made; the visitor's IP address is never stored.
CREATE TABLE feedback (
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
    followed_up_at  TEXT
);

-- Date ranges and the trend chart read by received time.
CREATE INDEX feedback_received_at ON feedback (received_at);
