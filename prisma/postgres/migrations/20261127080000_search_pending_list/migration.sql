-- Hand-written (ADR 0003, addendum 7): new search entries wait in the GIN index's pending
-- list until the worker merges them into the index (mergePendingSearchEntries, every
-- second), not until the insert that finds the list over 4 MB (Postgres's default), which
-- did the whole merge inside one ingest batch and held its answers ~100 ms. 16 MB is
-- the slack for a worker that is late or stopped: at 4,000 deliveries/s the list grows
-- about 3 MB/s. Searches read the pending list too, so nothing is missing meanwhile.
ALTER INDEX "EventSearch_document_idx" SET (gin_pending_list_limit = 16384);
