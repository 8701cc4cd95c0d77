-- Deleting a response (retention, erasure) deletes its metadata entries first; without an index
-- led by the response's number every deletion would read the whole table, once for the entries
-- and once more for the foreign key check.
CREATE INDEX feedback_metadata_seq ON feedback_metadata (feedback_seq);
