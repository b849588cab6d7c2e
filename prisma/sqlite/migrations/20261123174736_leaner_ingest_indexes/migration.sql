-- DropIndex
DROP INDEX "Delivery_receivedAt_idx";

-- DropIndex
DROP INDEX "Delivery_outcome_receivedAt_idx";

-- DropIndex
DROP INDEX "Delivery_sourceId_receivedAt_idx";

-- DropIndex
DROP INDEX "Event_resourceType_resourceId_timestampMs_idx";

-- DropIndex
DROP INDEX "Event_searchIndexed_idx";

-- DropIndex
DROP INDEX "Event_forwardScanned_idx";

-- Only the events still to index or to scan for auto-forward, in id order: the
-- worker's lookups stay small, and ingest's inserts and the worker's flag updates
-- touch a tiny index instead of one entry per event ever stored.
CREATE INDEX "Event_searchIndexed_pending_idx" ON "Event"("id") WHERE "searchIndexed" = 0;
CREATE INDEX "Event_forwardScanned_pending_idx" ON "Event"("id") WHERE "forwardScanned" = 0;
