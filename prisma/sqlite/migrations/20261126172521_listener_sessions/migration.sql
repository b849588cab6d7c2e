-- CreateTable
CREATE TABLE "Listener" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "who" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "principalId" TEXT NOT NULL,
    "client" TEXT NOT NULL,
    "filter" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "connectedAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "disconnectedAt" DATETIME,
    "forwarded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "lastAnswer" TEXT
);

-- CreateTable
CREATE TABLE "ListenerReplay" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "listenerId" TEXT NOT NULL,
    "eventIds" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ListenerAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "eventId" TEXT NOT NULL,
    "listenerId" TEXT NOT NULL,
    "replayId" TEXT,
    "who" TEXT NOT NULL,
    "client" TEXT NOT NULL,
    "status" INTEGER,
    "ok" BOOLEAN NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "error" TEXT,
    "responseExcerpt" TEXT,
    "sentAt" DATETIME NOT NULL,
    CONSTRAINT "ListenerAttempt_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Listener_lastSeenAt_idx" ON "Listener"("lastSeenAt");

-- CreateIndex
CREATE INDEX "ListenerReplay_listenerId_createdAt_idx" ON "ListenerReplay"("listenerId", "createdAt");

-- CreateIndex
CREATE INDEX "ListenerAttempt_eventId_sentAt_idx" ON "ListenerAttempt"("eventId", "sentAt");

-- CreateIndex
CREATE UNIQUE INDEX "ListenerAttempt_replayId_eventId_key" ON "ListenerAttempt"("replayId", "eventId");
