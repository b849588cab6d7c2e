-- DropIndex
DROP INDEX "DispatchTask_lane_orderKey_seq_idx";

-- The claim's per-resource rule ("no earlier unfinished task in the same lane and
-- orderKey", app/dispatch/dispatch-task.server.ts and postgres-claim.server.ts) looks
-- only for pending or sending tasks: index only those, so the check no longer walks a
-- resource's sent and failed tasks, and the index shrinks as a replay proceeds.
-- The queries must keep `"status" IN ('pending', 'sending')` as written here (literals,
-- not parameters) for the planner to use it. ADR 0007.
CREATE INDEX "DispatchTask_unfinished_lane_orderKey_seq_idx" ON "DispatchTask"("lane", "orderKey", "seq") WHERE "status" IN ('pending', 'sending');
