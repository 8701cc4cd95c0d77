-- The Notifications page lists what failed or is being retried after an error. Without an index
-- it read the whole table from the newest row back, which grows with every alert ever sent;
-- only troubled rows are in this one, so keeping it costs nothing for the many that go through.
CREATE INDEX notification_troubled ON notification (id)
WHERE status = 'failed' OR (status = 'pending' AND last_error IS NOT NULL);
