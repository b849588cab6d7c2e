// The audit log: who replayed, changed targets or secrets, or revealed redacted data.
import type { Db } from "~/db/prisma.server";

export interface AuditInput {
  actor: string;
  action: string;
  subject?: string | null;
  detail?: Record<string, unknown> | null;
}

export async function recordAudit(db: Db, entry: AuditInput) {
  await db.auditEntry.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    },
  });
}
