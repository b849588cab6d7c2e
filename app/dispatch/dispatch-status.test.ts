import { describe, expect, it } from "vitest";

import { outcomeCounts, SEND_OUTCOMES, sendOutcome, sendOutcomeConditions, TASK_STATUSES } from "./dispatch-status";

describe("sendOutcome: what became of one event of a job", () => {
  it.each([
    [{ status: "sent", attempts: 1 }, "delivered"],
    [{ status: "sent", attempts: 4 }, "delivered"],
    [{ status: "failed", attempts: 7 }, "failed"],
    [{ status: "failed", attempts: 1 }, "failed"],
    [{ status: "pending", attempts: 0 }, "pending"],
    [{ status: "pending", attempts: 1 }, "retrying"],
    [{ status: "pending", attempts: 3 }, "retrying"],
    [{ status: "sending", attempts: 1 }, "sending"],
    [{ status: "canceled", attempts: 0 }, "canceled"],
    [{ status: "superseded", attempts: 2 }, "canceled"],
  ] as const)("%o is %s", (task, outcome) => {
    expect(sendOutcome(task)).toBe(outcome);
  });

  it("a failed attempt that will be retried is not a failed event", () => {
    expect(sendOutcome({ status: "pending", attempts: 1 })).not.toBe("failed");
  });

  it("the log's conditions cover every task status exactly once, and classify back to their outcome", () => {
    const seen: string[] = [];
    for (const outcome of SEND_OUTCOMES) {
      for (const { status, tried } of sendOutcomeConditions(outcome)) {
        seen.push(`${status}:${tried ?? "any"}`);
        const attempts = tried === false ? 0 : 2;
        expect(sendOutcome({ status, attempts })).toBe(outcome);
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    const statuses = new Set(seen.map((s) => s.split(":")[0]));
    expect([...statuses].sort()).toEqual([...TASK_STATUSES].sort());
    expect(seen.filter((s) => s.startsWith("pending:")).sort()).toEqual(["pending:false", "pending:true"]);
  });
});

describe("outcomeCounts: the job page's counters", () => {
  it("splits what is left into retrying, sending and pending; the rest comes from the job's counters", () => {
    const counts = outcomeCounts({ total: 100, sent: 60, failed: 5, canceled: 3, left: 32, retrying: 20, inFlight: 4 });
    expect(counts).toEqual({ delivered: 60, failed: 5, retrying: 20, sending: 4, pending: 8, canceled: 3 });
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it("a finished job has nothing pending", () => {
    expect(outcomeCounts({ total: 10, sent: 8, failed: 2, canceled: 0, left: 0, retrying: 0, inFlight: 0 }).pending).toBe(0);
  });
});
