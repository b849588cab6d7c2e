// Use case: create a target. The secret is generated unless one is pasted, stored
// sealed, and returned this once only.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { reopenForwardScan } from "./auto-forward.server";
import { DispatchInputError } from "./dispatch-errors";
import { urlProblem, type TargetAllowlist } from "./outbound-policy.server";
import { generateTargetSecret, reservedHeaderProblem, targetSecretProblem } from "./signing.server";
import type { TargetCreateInput } from "./target-input";
import { newTargetId, sealHeaders, sealTargetSecret, toApiTarget, type ApiTarget } from "./target.server";

export interface CreatedTarget {
  target: ApiTarget;
  /** Shown once; later reads never include it. */
  secret: string;
}

/** Checks shared by create and update: the URL may be sent to, the headers are ours to set. */
export function checkTargetFields(input: { url?: string; headers?: Record<string, string> }, allowlist: TargetAllowlist | null) {
  if (input.url !== undefined) {
    const problem = urlProblem(input.url, allowlist);
    if (problem) throw new DispatchInputError("url", `Invalid \`url\`: ${problem}.`);
  }
  for (const name of Object.keys(input.headers ?? {})) {
    const problem = reservedHeaderProblem(name);
    if (problem) throw new DispatchInputError("headers", `Invalid \`headers\`: ${problem}.`);
  }
}

export function checkSecret(secret: string) {
  const problem = targetSecretProblem(secret);
  if (problem) throw new DispatchInputError("secret", `Invalid \`secret\`: it ${problem}.`);
}

export async function createTarget(
  db: Db,
  input: TargetCreateInput,
  context: { actor: string; allowlist: TargetAllowlist | null },
): Promise<CreatedTarget> {
  checkTargetFields(input, context.allowlist);
  if (input.secret) checkSecret(input.secret);
  const secret = input.secret || generateTargetSecret();
  const now = new Date();
  // The id comes first: the sealed secret and headers are bound to it.
  const id = newTargetId();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.target.create({
      data: {
        id,
        name: input.name,
        url: input.url,
        secretEncrypted: sealTargetSecret(id, secret),
        eventTypes: JSON.stringify(input.eventTypes),
        autoForward: input.autoForward,
        autoForwardSince: input.autoForward ? now : null,
        enabled: input.enabled,
        timeoutMs: input.timeoutMs,
        maxPerSecond: input.maxPerSecond,
        concurrency: input.concurrency,
        headers: sealHeaders(id, input.headers),
      },
    });
    if (created.autoForward && created.enabled) await reopenForwardScan(tx, created.id, now);
    return created;
  });
  await recordAudit(db, {
    actor: context.actor,
    action: "target.create",
    subject: row.id,
    detail: { name: row.name, url: row.url, autoForward: row.autoForward, secret: input.secret ? "pasted" : "generated" },
  });
  return { target: toApiTarget(row), secret };
}
