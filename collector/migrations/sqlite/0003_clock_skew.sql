-- Set when the visitor's clock (created_at) is far from the time the response arrived: in the
-- future, or older than the widget's outbox keeps anything. The visitor's value is kept as sent.
ALTER TABLE feedback ADD COLUMN clock_skewed INTEGER NOT NULL DEFAULT 0;
