-- CreateTable
CREATE TABLE "Source" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretsEncrypted" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sourceId" TEXT,
    "sourceSlug" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "remoteAddr" TEXT,
    "requestId" TEXT,
    "headers" TEXT NOT NULL,
    "rawBody" BLOB NOT NULL,
    "size" INTEGER NOT NULL,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "svixId" TEXT,
    "svixTimestamp" TEXT,
    "outcome" TEXT NOT NULL,
    "outcomeDetail" TEXT,
    "status" INTEGER NOT NULL,
    "eventId" TEXT,
    "duplicate" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Delivery_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Delivery_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Event" (
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
    CONSTRAINT "Event_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Source" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userAgent" TEXT,
    CONSTRAINT "Session_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "accountId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "ApiToken_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT,
    "detail" TEXT
);

-- CreateTable
CREATE TABLE "Target" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deletedAt" DATETIME
);

-- CreateTable
CREATE TABLE "DispatchJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "filter" TEXT,
    "eventIds" TEXT,
    "order" TEXT NOT NULL DEFAULT 'timestamp',
    "newSvixId" BOOLEAN NOT NULL DEFAULT false,
    "maxPerSecond" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "DispatchJob_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DispatchTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT,
    "targetId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
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

-- CreateTable
CREATE TABLE "DispatchAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "taskId" TEXT,
    "eventId" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "jobId" TEXT,
    "attempt" INTEGER NOT NULL,
    "status" INTEGER,
    "ok" BOOLEAN NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "error" TEXT,
    "responseExcerpt" TEXT,
    "sentAt" DATETIME NOT NULL,
    "nextAttemptAt" DATETIME,
    CONSTRAINT "DispatchAttempt_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "DispatchTask" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "DispatchAttempt_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DispatchAttempt_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "Target" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "DispatchAttempt_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "DispatchJob" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Source_slug_key" ON "Source"("slug");

-- CreateIndex
CREATE INDEX "Delivery_receivedAt_idx" ON "Delivery"("receivedAt");

-- CreateIndex
CREATE INDEX "Delivery_outcome_receivedAt_idx" ON "Delivery"("outcome", "receivedAt");

-- CreateIndex
CREATE INDEX "Delivery_sourceId_receivedAt_idx" ON "Delivery"("sourceId", "receivedAt");

-- CreateIndex
CREATE INDEX "Delivery_svixId_idx" ON "Delivery"("svixId");

-- CreateIndex
CREATE INDEX "Delivery_eventId_idx" ON "Delivery"("eventId");

-- CreateIndex
CREATE INDEX "Event_timestampMs_id_idx" ON "Event"("timestampMs", "id");

-- CreateIndex
CREATE INDEX "Event_firstReceivedAt_id_idx" ON "Event"("firstReceivedAt", "id");

-- CreateIndex
CREATE INDEX "Event_type_timestampMs_id_idx" ON "Event"("type", "timestampMs", "id");

-- CreateIndex
CREATE INDEX "Event_resourceType_resourceId_timestampMs_idx" ON "Event"("resourceType", "resourceId", "timestampMs");

-- CreateIndex
CREATE INDEX "Event_resourceId_timestampMs_idx" ON "Event"("resourceId", "timestampMs");

-- CreateIndex
CREATE INDEX "Event_userId_timestampMs_idx" ON "Event"("userId", "timestampMs");

-- CreateIndex
CREATE INDEX "Event_organizationId_timestampMs_idx" ON "Event"("organizationId", "timestampMs");

-- CreateIndex
CREATE INDEX "Event_subscriptionId_timestampMs_idx" ON "Event"("subscriptionId", "timestampMs");

-- CreateIndex
CREATE INDEX "Event_payerId_timestampMs_idx" ON "Event"("payerId", "timestampMs");

-- CreateIndex
CREATE INDEX "Event_svixId_idx" ON "Event"("svixId");

-- CreateIndex
CREATE INDEX "Event_searchIndexed_idx" ON "Event"("searchIndexed");

-- CreateIndex
CREATE UNIQUE INDEX "Event_sourceId_svixId_key" ON "Event"("sourceId", "svixId");

-- CreateIndex
CREATE UNIQUE INDEX "Account_email_key" ON "Account"("email");

-- CreateIndex
CREATE INDEX "Session_accountId_idx" ON "Session"("accountId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "DispatchJob_status_createdAt_idx" ON "DispatchJob"("status", "createdAt");

-- CreateIndex
CREATE INDEX "DispatchJob_targetId_createdAt_idx" ON "DispatchJob"("targetId", "createdAt");

-- CreateIndex
CREATE INDEX "DispatchTask_status_nextAttemptAt_idx" ON "DispatchTask"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "DispatchTask_jobId_status_seq_idx" ON "DispatchTask"("jobId", "status", "seq");

-- CreateIndex
CREATE INDEX "DispatchTask_targetId_status_idx" ON "DispatchTask"("targetId", "status");

-- CreateIndex
CREATE INDEX "DispatchTask_eventId_idx" ON "DispatchTask"("eventId");

-- CreateIndex
CREATE INDEX "DispatchAttempt_eventId_sentAt_idx" ON "DispatchAttempt"("eventId", "sentAt");

-- CreateIndex
CREATE INDEX "DispatchAttempt_targetId_sentAt_idx" ON "DispatchAttempt"("targetId", "sentAt");

-- CreateIndex
CREATE INDEX "DispatchAttempt_jobId_sentAt_idx" ON "DispatchAttempt"("jobId", "sentAt");

-- CreateIndex
CREATE INDEX "DispatchAttempt_sentAt_idx" ON "DispatchAttempt"("sentAt");
