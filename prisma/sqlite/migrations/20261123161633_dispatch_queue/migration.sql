-- AlterTable
ALTER TABLE "DispatchAttempt" ADD COLUMN "svixId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sourceId" TEXT NOT NULL,
    "svixId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "knownType" BOOLEAN NOT NULL,
    "timestampMs" BIGINT NOT NULL,
    "svixTimestamp" BIGINT,
    "instanceId" TEXT,
    "resourceType" TEXT,
    "resourceId" TEXT,
    "userId" TEXT,
    "organizationId" TEXT,
    "subscriptionId" TEXT,
    "payerId" TEXT,
    "firstReceivedAt" DATETIME NOT NULL,
    "deliveryCount" INTEGER NOT NULL DEFAULT 1,
    "outOfOrder" BOOLEAN NOT NULL DEFAULT false,
    "verifiedOutsideTolerance" BOOLEAN NOT NULL DEFAULT false,
    "firstDeliveryId" TEXT NOT NULL,
    "searchIndexed" BOOLEAN NOT NULL DEFAULT false,
    "forwardScanned" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Event_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Event" ("deliveryCount", "firstDeliveryId", "firstReceivedAt", "id", "instanceId", "knownType", "organizationId", "outOfOrder", "payerId", "resourceId", "resourceType", "searchIndexed", "sourceId", "subscriptionId", "svixId", "svixTimestamp", "timestampMs", "type", "userId", "verifiedOutsideTolerance") SELECT "deliveryCount", "firstDeliveryId", "firstReceivedAt", "id", "instanceId", "knownType", "organizationId", "outOfOrder", "payerId", "resourceId", "resourceType", "searchIndexed", "sourceId", "subscriptionId", "svixId", "svixTimestamp", "timestampMs", "type", "userId", "verifiedOutsideTolerance" FROM "Event";
DROP TABLE "Event";
ALTER TABLE "new_Event" RENAME TO "Event";
CREATE INDEX "Event_timestampMs_id_idx" ON "Event"("timestampMs", "id");
CREATE INDEX "Event_firstReceivedAt_id_idx" ON "Event"("firstReceivedAt", "id");
CREATE INDEX "Event_type_timestampMs_id_idx" ON "Event"("type", "timestampMs", "id");
CREATE INDEX "Event_resourceType_resourceId_timestampMs_idx" ON "Event"("resourceType", "resourceId", "timestampMs");
CREATE INDEX "Event_resourceId_timestampMs_idx" ON "Event"("resourceId", "timestampMs");
CREATE INDEX "Event_userId_timestampMs_idx" ON "Event"("userId", "timestampMs");
CREATE INDEX "Event_organizationId_timestampMs_idx" ON "Event"("organizationId", "timestampMs");
CREATE INDEX "Event_subscriptionId_timestampMs_idx" ON "Event"("subscriptionId", "timestampMs");
CREATE INDEX "Event_payerId_timestampMs_idx" ON "Event"("payerId", "timestampMs");
CREATE INDEX "Event_svixId_idx" ON "Event"("svixId");
CREATE INDEX "Event_searchIndexed_idx" ON "Event"("searchIndexed");
CREATE INDEX "Event_forwardScanned_idx" ON "Event"("forwardScanned");
CREATE UNIQUE INDEX "Event_sourceId_svixId_key" ON "Event"("sourceId", "svixId");
CREATE TABLE "new_Target" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secretEncrypted" TEXT NOT NULL,
    "eventTypes" TEXT NOT NULL DEFAULT '[]',
    "autoForward" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "timeoutMs" INTEGER NOT NULL DEFAULT 10000,
    "maxPerSecond" INTEGER,
    "concurrency" INTEGER NOT NULL DEFAULT 4,
    "headers" TEXT NOT NULL DEFAULT '{}',
    "autoForwardSince" DATETIME,
    "rateCursor" DATETIME,
    "forwardSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deletedAt" DATETIME
);
INSERT INTO "new_Target" ("autoForward", "concurrency", "createdAt", "deletedAt", "enabled", "eventTypes", "headers", "id", "maxPerSecond", "name", "secretEncrypted", "timeoutMs", "updatedAt", "url") SELECT "autoForward", "concurrency", "createdAt", "deletedAt", "enabled", "eventTypes", "headers", "id", "maxPerSecond", "name", "secretEncrypted", "timeoutMs", "updatedAt", "url" FROM "Target";
DROP TABLE "Target";
ALTER TABLE "new_Target" RENAME TO "Target";
CREATE TABLE "new_DispatchJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "filter" TEXT,
    "eventIds" TEXT,
    "order" TEXT NOT NULL DEFAULT 'timestamp',
    "newSvixId" BOOLEAN NOT NULL DEFAULT false,
    "maxPerSecond" INTEGER,
    "onlyUndelivered" BOOLEAN NOT NULL DEFAULT false,
    "includeNeverSent" BOOLEAN NOT NULL DEFAULT false,
    "since" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "canceled" INTEGER NOT NULL DEFAULT 0,
    "planned" BOOLEAN NOT NULL DEFAULT false,
    "planCursor" TEXT,
    "planLockedUntil" DATETIME,
    "rateCursor" DATETIME,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "DispatchJob_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_DispatchJob" ("createdAt", "createdBy", "error", "eventIds", "failed", "filter", "finishedAt", "id", "kind", "maxPerSecond", "newSvixId", "order", "sent", "startedAt", "status", "targetId", "total") SELECT "createdAt", "createdBy", "error", "eventIds", "failed", "filter", "finishedAt", "id", "kind", "maxPerSecond", "newSvixId", "order", "sent", "startedAt", "status", "targetId", "total" FROM "DispatchJob";
DROP TABLE "DispatchJob";
ALTER TABLE "new_DispatchJob" RENAME TO "DispatchJob";
CREATE INDEX "DispatchJob_status_createdAt_idx" ON "DispatchJob"("status", "createdAt");
CREATE INDEX "DispatchJob_targetId_createdAt_idx" ON "DispatchJob"("targetId", "createdAt");
CREATE TABLE "new_DispatchTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT,
    "targetId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "lane" TEXT NOT NULL DEFAULT '',
    "orderKey" TEXT NOT NULL DEFAULT '',
    "svixId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DispatchTask_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "DispatchJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DispatchTask_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "DispatchTask_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DispatchTask" ("attempts", "createdAt", "eventId", "id", "jobId", "lastError", "lockedBy", "lockedUntil", "nextAttemptAt", "seq", "status", "targetId") SELECT "attempts", "createdAt", "eventId", "id", "jobId", "lastError", "lockedBy", "lockedUntil", "nextAttemptAt", "seq", "status", "targetId" FROM "DispatchTask";
DROP TABLE "DispatchTask";
ALTER TABLE "new_DispatchTask" RENAME TO "DispatchTask";
CREATE INDEX "DispatchTask_status_nextAttemptAt_idx" ON "DispatchTask"("status", "nextAttemptAt");
CREATE INDEX "DispatchTask_jobId_status_seq_idx" ON "DispatchTask"("jobId", "status", "seq");
CREATE INDEX "DispatchTask_targetId_status_idx" ON "DispatchTask"("targetId", "status");
CREATE INDEX "DispatchTask_targetId_status_nextAttemptAt_idx" ON "DispatchTask"("targetId", "status", "nextAttemptAt");
CREATE INDEX "DispatchTask_lane_orderKey_seq_idx" ON "DispatchTask"("lane", "orderKey", "seq");
CREATE INDEX "DispatchTask_eventId_idx" ON "DispatchTask"("eventId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Events stored before auto-forward existed are not forwarded (hand-written).
UPDATE "Event" SET "forwardScanned" = 1;
