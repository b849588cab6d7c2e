-- DropIndex
DROP INDEX "DispatchTask_targetId_status_nextAttemptAt_idx";

-- CreateIndex
CREATE INDEX "DispatchTask_targetId_status_nextAttemptAt_seq_idx" ON "DispatchTask"("targetId", "status", "nextAttemptAt", "seq");
