// Use cases: change a target's settings, rotate its secret, disable or re-enable it.
// Switching auto-forward on starts from that moment: it does not replay history.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { lockAutoForward, reopenForwardScan } from "./auto-forward.server";
import { checkSecret, checkTargetFields } from "./create-target.server";
import type { TargetAllowlist } from "./outbound-policy.server";
import { generateTargetSecret } from "./signing.server";
import type { TargetUpdateInput } from "./target-input";
import { requireTarget, sealHeaders, sealTargetSecret, toApiTarget, type ApiTarget } from "./target.server";

export async function updateTarget(
  db: Db,
  id: string,
  input: TargetUpdateInput,
  context: { actor: string; allowlist: TargetAllowlist | null },
): Promise<{ target: ApiTarget; secret?: string }> {
  const current = await requireTarget(db, id);
  checkTargetFields(input, context.allowlist);
  if (input.secret !== undefined) checkSecret(input.secret);
  const { secret, headers, eventTypes, ...plain } = input;
  const turningOnForward = input.autoForward === true && !current.autoForward;
  const now = new Date();
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.target.update({
      where: { id },
      data: {
        ...plain,
        ...(eventTypes !== undefined ? { eventTypes: JSON.stringify(eventTypes) } : {}),
        ...(headers !== undefined ? { headers: sealHeaders(id, headers) } : {}),
        ...(secret !== undefined ? { secretEncrypted: sealTargetSecret(id, secret) } : {}),
        ...(turningOnForward ? { autoForwardSince: now } : {}),
        // A new rate starts with a clean budget.
        ...(input.maxPerSecond !== undefined ? { rateCursor: null } : {}),
      },
    });
    // Switched on (turned on, or re-enabled while on): see reopenForwardScan.
    const forwarding = (target: { autoForward: boolean; enabled: boolean }) => target.autoForward && target.enabled;
    if (forwarding(updated) && !forwarding(current)) await reopenForwardScan(tx, id, now);
    else if (forwarding(current) && !forwarding(updated)) await lockAutoForward(tx);
    return updated;
  });
  // Field names only: header values and secrets stay out of the audit log.
  const changed = Object.keys(input).filter((key) => key !== "secret");
  if (changed.length) {
    await recordAudit(db, { actor: context.actor, action: "target.update", subject: id, detail: { changed, name: row.name } });
  }
  if (secret !== undefined) {
    await recordAudit(db, { actor: context.actor, action: "target.secret_rotate", subject: id, detail: { secret: "pasted" } });
  }
  return { target: toApiTarget(row), ...(secret !== undefined ? { secret } : {}) };
}

/** A new generated (or pasted) secret, returned this once. */
export async function rotateTargetSecret(db: Db, id: string, context: { actor: string; secret?: string }): Promise<{ target: ApiTarget; secret: string }> {
  await requireTarget(db, id);
  if (context.secret) checkSecret(context.secret);
  const secret = context.secret || generateTargetSecret();
  const row = await db.target.update({ where: { id }, data: { secretEncrypted: sealTargetSecret(id, secret) } });
  await recordAudit(db, {
    actor: context.actor,
    action: "target.secret_rotate",
    subject: id,
    detail: { name: row.name, secret: context.secret ? "pasted" : "generated" },
  });
  return { target: toApiTarget(row), secret };
}
