-- A notification being sent is claimed until this time (Unix seconds), so that collectors sharing
-- one database never send it twice, and one that died mid-send has its claim taken over once it
-- runs out. One SQLite database has one collector, which never needs the claim; the column keeps
-- both stores' notification rows the same.
ALTER TABLE notification ADD COLUMN claimed_until INTEGER;
