// Use cases: set a source's or a target's issue thresholds (replacing what was set;
// `{}` goes back to the defaults). Audited. The next evaluation round uses them.
import { recordAudit } from "~/audit/audit.server";
import type { Db } from "~/db/prisma.server";
import { parseSourceSettings, parseTargetSettings, type SourceAlertSettings, type TargetAlertSettings } from "./alert-settings";
import { IssueNotFoundError } from "./issues.server";

export async function getSourceAlertSettings(db: Db, slug: string): Promise<SourceAlertSettings> {
  const row = await db.source.findUnique({ where: { slug }, select: { alertSettings: true } });
  if (!row) throw new IssueNotFoundError(`No source ${slug}.`);
  return parseSourceSettings(row.alertSettings);
}

export async function setSourceAlertSettings(db: Db, slug: string, settings: SourceAlertSettings, actor: string): Promise<SourceAlertSettings> {
  const row = await db.source.findUnique({ where: { slug }, select: { id: true } });
  if (!row) throw new IssueNotFoundError(`No source ${slug}.`);
  await db.source.update({ where: { id: row.id }, data: { alertSettings: Object.keys(settings).length ? JSON.stringify(settings) : null } });
  await recordAudit(db, { actor, action: "source.alert_settings", subject: slug, detail: { ...settings } });
  return settings;
}

export async function getTargetAlertSettings(db: Db, id: string): Promise<TargetAlertSettings> {
  const row = await db.target.findFirst({ where: { id, deletedAt: null }, select: { alertSettings: true } });
  if (!row) throw new IssueNotFoundError(`No target ${id}.`);
  return parseTargetSettings(row.alertSettings);
}

export async function setTargetAlertSettings(db: Db, id: string, settings: TargetAlertSettings, actor: string): Promise<TargetAlertSettings> {
  const row = await db.target.findFirst({ where: { id, deletedAt: null }, select: { id: true } });
  if (!row) throw new IssueNotFoundError(`No target ${id}.`);
  await db.target.update({ where: { id }, data: { alertSettings: Object.keys(settings).length ? JSON.stringify(settings) : null } });
  await recordAudit(db, { actor, action: "target.alert_settings", subject: id, detail: { ...settings } });
  return settings;
}
