-- CreateTable
CREATE TABLE "Issue" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "title" TEXT NOT NULL,
    "facts" TEXT NOT NULL DEFAULT '{}',
    "samples" TEXT NOT NULL DEFAULT '[]',
    "count" INTEGER NOT NULL DEFAULT 0,
    "firstSeenAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "conditionSeenAt" DATETIME NOT NULL,
    "openedAt" DATETIME NOT NULL,
    "reopenCount" INTEGER NOT NULL DEFAULT 0,
    "acknowledgedAt" DATETIME,
    "acknowledgedBy" TEXT,
    "mutedUntil" DATETIME,
    "resolvedAt" DATETIME,
    "resolvedBy" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "IssueOccurrence" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "issueId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "count" INTEGER NOT NULL,
    CONSTRAINT "IssueOccurrence_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IssueChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "issueId" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "change" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "note" TEXT,
    CONSTRAINT "IssueChange_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "NotificationChannel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "url" TEXT,
    "urlEncrypted" TEXT,
    "to" TEXT,
    "kinds" TEXT NOT NULL DEFAULT '[]',
    "secretEncrypted" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "timeoutMs" INTEGER NOT NULL DEFAULT 10000,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "IssueNotification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "issueId" TEXT,
    "type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "digestOf" TEXT,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "responseExcerpt" TEXT,
    "durationMs" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    CONSTRAINT "IssueNotification_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "NotificationChannel" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Issue_status_lastSeenAt_idx" ON "Issue"("status", "lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "Issue_kind_subjectType_subjectId_key" ON "Issue"("kind", "subjectType", "subjectId");

-- CreateIndex
CREATE UNIQUE INDEX "IssueOccurrence_issueId_at_key" ON "IssueOccurrence"("issueId", "at");

-- CreateIndex
CREATE INDEX "IssueChange_issueId_at_idx" ON "IssueChange"("issueId", "at");

-- CreateIndex
CREATE INDEX "IssueNotification_status_nextAttemptAt_idx" ON "IssueNotification"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "IssueNotification_channelId_createdAt_idx" ON "IssueNotification"("channelId", "createdAt");
