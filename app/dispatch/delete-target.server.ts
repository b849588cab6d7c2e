// Use case: delete a target. It is kept (soft delete) so past attempts still name it;
// its waiting sends are canceled and its unfinished jobs end as failed.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { lockAutoForward } from "./auto-forward.server";
import { requireTarget } from "./target.server";

export async function deleteTarget(db: Db, id: string, context: { actor: string }): Promise<void> {
  const target = await requireTarget(db, id);
  const now = new Date();
  await db.$transaction(async (tx) => {
    await tx.target.update({ where: { id }, data: { deletedAt: now, enabled: false, autoForward: false } });
    if (target.autoForward && target.enabled) await lockAutoForward(tx);
    const waiting = await tx.dispatchTask.groupBy({
      by: ["jobId"],
      where: { targetId: id, status: "pending" },
      _count: { _all: true },
    });
    await tx.dispatchTask.updateMany({ where: { targetId: id, status: "pending" }, data: { status: "canceled", lastError: "Target deleted" } });
    for (const group of waiting) {
      if (group.jobId) await tx.dispatchJob.update({ where: { id: group.jobId }, data: { canceled: { increment: group._count._all } } });
    }
    await tx.dispatchJob.updateMany({
      where: { targetId: id, status: { in: ["queued", "running", "paused"] } },
      data: { status: "failed", error: "The target was deleted.", finishedAt: now, planned: true },
    });
  });
  await recordAudit(db, { actor: context.actor, action: "target.delete", subject: id, detail: { name: target.name, url: target.url } });
}
