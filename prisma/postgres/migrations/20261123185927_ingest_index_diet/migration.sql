-- DropIndex
DROP INDEX "Delivery_svixId_idx";

-- DropIndex
DROP INDEX "Event_firstReceivedAt_id_idx";

-- DropIndex
DROP INDEX "Event_organizationId_timestampMs_idx";

-- DropIndex
DROP INDEX "Event_subscriptionId_timestampMs_idx";

-- DropIndex
DROP INDEX "Event_payerId_timestampMs_idx";

-- DropIndex
DROP INDEX "Event_svixId_idx";

-- DropIndex
DROP INDEX "Event_sourceId_svixId_key";

-- CreateIndex
CREATE UNIQUE INDEX "Event_svixId_sourceId_key" ON "Event"("svixId", "sourceId");

-- Most events have no organization, subscription or payer: index only the rows that
-- have one, so ingest does not write a NULL entry into three indexes per event.
-- ("x" = ? implies "x" IS NOT NULL, so look-ups still use them.)
CREATE INDEX "Event_organizationId_timestampMs_idx" ON "Event"("organizationId", "timestampMs") WHERE "organizationId" IS NOT NULL;
CREATE INDEX "Event_subscriptionId_timestampMs_idx" ON "Event"("subscriptionId", "timestampMs") WHERE "subscriptionId" IS NOT NULL;
CREATE INDEX "Event_payerId_timestampMs_idx" ON "Event"("payerId", "timestampMs") WHERE "payerId" IS NOT NULL;

-- Look-ups of deliveries by svix-id are for the ones with no event (failed verification);
-- a verified delivery is found through its event (Event's unique key starts with svixId).
-- Verified deliveries, nearly all of them, then add no entry to a random-key index.
CREATE INDEX "Delivery_svixId_idx" ON "Delivery"("svixId") WHERE "eventId" IS NULL;
