// The environment contract (DESIGN.md, "Environment"), validated once at start-up.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

import { DEFAULT_DATABASE_URL } from "~/db/database-url";
import { parseTrustProxy } from "~/server/client-address.server";
import { malformedSecrets, newSigningSecret, SIGNING_SECRET_HINT } from "~/sources/secret-format";

const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  CLERK_WEBHOOK_SIGNING_SECRET: z.string().optional().superRefine((value, ctx) => {
    // A placeholder such as the README's `whsec_...` would otherwise be accepted and every
    // delivery answered 401: refuse what Settings refuses, before the server starts.
    const bad = malformedSecrets(value);
    if (bad.length) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          `${bad.map((secret) => JSON.stringify(secret)).join(", ")} ${bad.length === 1 ? "is not a signing secret" : "are not signing secrets"}. ` +
          `${SIGNING_SECRET_HINT} Separate several with a space or a comma. ` +
          "Outside production, leave it unset to use a generated one (kept in HOOKLINE_DATA_DIR/secrets.json).",
      });
    }
  }),
  PORT: positiveInt(3000),
  HOST: z.string().default("0.0.0.0"),
  SESSION_SECRET: z.string().min(16).optional(),
  HOOKLINE_ENCRYPTION_KEY: z.string().min(16).optional(),
  HOOKLINE_ADMIN_EMAIL: z.string().email().optional(),
  HOOKLINE_ADMIN_PASSWORD: z.string().min(8).optional(),
  HOOKLINE_MAX_BODY_BYTES: positiveInt(1024 * 1024),
  HOOKLINE_RETENTION_DAYS: positiveInt(30),
  HOOKLINE_UNVERIFIED_PER_MINUTE: positiveInt(600),
  HOOKLINE_UNVERIFIED_MAX_BYTES: positiveInt(256 * 1024 * 1024),
  /** Postgres: connections of ingest's own pool, and so batches written at once (app/ingest/postgres-group-commit.server.ts). */
  HOOKLINE_INGEST_PG_POOL: positiveInt(4),
  HOOKLINE_DATA_DIR: z.string().default("./data"),
  /** A hop count or a comma list of proxy addresses/CIDRs (app/server/client-address.server.ts). */
  HOOKLINE_TRUST_PROXY: z.string().optional().superRefine((value, ctx) => {
    try {
      parseTrustProxy(value);
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    }
  }),
  /** Requests per second each API token may make, and the burst it may save up. */
  HOOKLINE_API_RATE_PER_SECOND: positiveInt(100),
  HOOKLINE_API_BURST: positiveInt(200),
  /** Issues (app/alerts): how often conditions are evaluated, and how long one must stay clear before its issue resolves. */
  HOOKLINE_ALERT_EVAL_MS: positiveInt(15_000),
  HOOKLINE_ALERT_RESOLVE_AFTER_MS: positiveInt(600_000),
  /** E-mail notifications: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…`, and the sender. */
  HOOKLINE_SMTP_URL: z.string().url().optional(),
  HOOKLINE_MAIL_FROM: z.string().optional(),
  /** The address people open Hookline at, for links in notifications (default http://localhost:PORT). */
  HOOKLINE_PUBLIC_URL: z.string().url().optional(),
  /**
   * SQLite: how long after arriving a delivery's body and headers are compressed by the
   * worker (app/deliveries/compact-bodies.server.ts, ADR 0017); `off` keeps them as received.
   */
  HOOKLINE_COMPRESS_AFTER_MS: z.union([z.literal("off"), z.coerce.number().int().nonnegative()]).default(60_000),
  /** On SIGTERM: how long requests and sends in flight may take before the process exits anyway. */
  HOOKLINE_SHUTDOWN_TIMEOUT_MS: positiveInt(30_000),
});

export type Env = z.infer<typeof EnvSchema> & {
  SESSION_SECRET: string;
  HOOKLINE_ENCRYPTION_KEY: string;
  /**
   * In development (NODE_ENV unset or `development`) with CLERK_WEBHOOK_SIGNING_SECRET
   * unset: a signing secret generated once into the data directory, which the default
   * source accepts (when it has no stored secrets) and `hookline send` signs with, so
   * the sample path works with no flags. Null otherwise.
   */
  generatedSigningSecret: string | null;
};

export class EnvError extends Error {}

let cached: Env | null = null;

/** The validated environment. Throws EnvError with every problem listed. */
export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(stripEmpty(process.env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${problems.join("\n")}`);
  }
  const value = parsed.data;
  const generated =
    value.NODE_ENV === "production"
      ? null
      : developmentSecrets(value.HOOKLINE_DATA_DIR, { signingSecret: value.NODE_ENV === "development" && !value.CLERK_WEBHOOK_SIGNING_SECRET });
  const sessionSecret = value.SESSION_SECRET ?? generated?.sessionSecret;
  const encryptionKey = value.HOOKLINE_ENCRYPTION_KEY ?? generated?.encryptionKey;
  const missing = [
    !sessionSecret && "SESSION_SECRET",
    !encryptionKey && "HOOKLINE_ENCRYPTION_KEY",
  ].filter(Boolean);
  if (missing.length) {
    throw new EnvError(`${missing.join(" and ")} must be set when NODE_ENV=production.`);
  }
  cached = {
    ...value,
    SESSION_SECRET: sessionSecret!,
    HOOKLINE_ENCRYPTION_KEY: encryptionKey!,
    generatedSigningSecret: generated?.signingSecret ?? null,
  };
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = null;
}

function stripEmpty(source: NodeJS.ProcessEnv) {
  return Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
}

interface DevelopmentSecrets {
  sessionSecret: string;
  encryptionKey: string;
  /** The default source's signing secret (`whsec_…`), added on first need. */
  signingSecret?: string;
}

/**
 * Outside production, secrets the operator did not set are generated once and kept in
 * the data directory (mode 0600), so sessions and stored secrets survive restarts. The
 * webhook signing secret is added to the same file the first time development needs it
 * (a file written before it existed gains it then).
 */
function developmentSecrets(dataDir: string, want: { signingSecret: boolean }): DevelopmentSecrets {
  const file = path.resolve(dataDir, "secrets.json");
  let secrets: DevelopmentSecrets;
  try {
    secrets = JSON.parse(fs.readFileSync(file, "utf8")) as DevelopmentSecrets;
  } catch {
    const fresh: DevelopmentSecrets = {
      sessionSecret: crypto.randomBytes(32).toString("base64url"),
      encryptionKey: crypto.randomBytes(32).toString("base64url"),
      ...(want.signingSecret ? { signingSecret: newSigningSecret(crypto.randomBytes) } : {}),
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: "wx" });
      return fresh;
    } catch {
      // Another process wrote it first; use theirs.
      secrets = JSON.parse(fs.readFileSync(file, "utf8")) as DevelopmentSecrets;
    }
  }
  if (want.signingSecret && !secrets.signingSecret) {
    // Written beside and renamed over, so a reader never sees half a file. (Two first
    // starts at the same instant could each add one; the file keeps the last, and every
    // later start reads that.)
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ ...secrets, signingSecret: newSigningSecret(crypto.randomBytes) }, null, 2), { mode: 0o600 });
    fs.renameSync(temporary, file);
    secrets = JSON.parse(fs.readFileSync(file, "utf8")) as DevelopmentSecrets;
  }
  return secrets;
}
