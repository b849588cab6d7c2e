-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "forwardScanned" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Target" ADD COLUMN     "autoForwardSince" TIMESTAMP(3),
ADD COLUMN     "forwardSeq" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rateCursor" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DispatchJob" ADD COLUMN     "canceled" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "includeNeverSent" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "onlyUndelivered" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "planCursor" TEXT,
ADD COLUMN     "planLockedUntil" TIMESTAMP(3),
ADD COLUMN     "planned" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "rateCursor" TIMESTAMP(3),
ADD COLUMN     "since" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DispatchTask" ADD COLUMN     "lane" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "orderKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "svixId" TEXT;

-- AlterTable
ALTER TABLE "DispatchAttempt" ADD COLUMN     "svixId" TEXT;

-- CreateIndex
CREATE INDEX "Event_forwardScanned_idx" ON "Event"("forwardScanned");

-- CreateIndex
CREATE INDEX "DispatchTask_targetId_status_nextAttemptAt_idx" ON "DispatchTask"("targetId", "status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "DispatchTask_lane_orderKey_seq_idx" ON "DispatchTask"("lane", "orderKey", "seq");

-- Events stored before auto-forward existed are not forwarded (hand-written).
UPDATE "Event" SET "forwardScanned" = true;
