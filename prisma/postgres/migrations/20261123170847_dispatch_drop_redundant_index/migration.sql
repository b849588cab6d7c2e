-- DropIndex
DROP INDEX "DispatchTask_targetId_status_idx";
