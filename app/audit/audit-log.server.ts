// Reading the audit log (Settings → Audit log, admins only), newest first.
import type { Db } from "~/db/prisma.server";

export interface AuditListItem {
  id: string;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

/** One page, newest first; `after` is the id of the last entry of the previous page. */
export async function listAuditEntries(
  db: Db,
  options: { action?: string; after?: string; limit?: number } = {},
): Promise<{ entries: AuditListItem[]; nextAfter: string | null }> {
  const limit = options.limit ?? AUDIT_PAGE_SIZE;
  const rows = await db.auditEntry.findMany({
    where: options.action ? { action: options.action } : undefined,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    ...(options.after ? { cursor: { id: options.after }, skip: 1 } : {}),
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    entries: page.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: row.actor,
      action: row.action,
      subject: row.subject,
      detail: row.detail,
    })),
    nextAfter: rows.length > limit ? page.at(-1)!.id : null,
  };
}

/** The actions recorded so far, for the filter. */
export async function auditActions(db: Db): Promise<string[]> {
  const rows = await db.auditEntry.groupBy({ by: ["action"], orderBy: { action: "asc" } });
  return rows.map((row) => row.action);
}
