import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { env, EnvError, resetEnvCache } from "./env.server";

const VALID = `whsec_${Buffer.from("a valid signing key of 24").toString("base64")}`;
const saved = { ...process.env };
let dataDir: string;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hookline-env-"));
  for (const name of ["CLERK_WEBHOOK_SIGNING_SECRET", "SESSION_SECRET", "HOOKLINE_ENCRYPTION_KEY"]) delete process.env[name];
  process.env.HOOKLINE_DATA_DIR = dataDir;
  process.env.NODE_ENV = "development";
  resetEnvCache();
});

afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const secretsFile = () => JSON.parse(fs.readFileSync(path.join(dataDir, "secrets.json"), "utf8")) as Record<string, string>;

describe("the default source's signing secret", () => {
  it("is generated once into data/secrets.json in development when CLERK_WEBHOOK_SIGNING_SECRET is unset", () => {
    const first = env().generatedSigningSecret;
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(secretsFile().signingSecret).toBe(first);
    expect(fs.statSync(path.join(dataDir, "secrets.json")).mode & 0o777).toBe(0o600);
    resetEnvCache();
    expect(env().generatedSigningSecret).toBe(first);
  });

  it("is added to a secrets.json written before it existed, keeping the other secrets", () => {
    fs.writeFileSync(path.join(dataDir, "secrets.json"), JSON.stringify({ sessionSecret: "s".repeat(32), encryptionKey: "k".repeat(32) }));
    const config = env();
    expect(config.SESSION_SECRET).toBe("s".repeat(32));
    expect(config.HOOKLINE_ENCRYPTION_KEY).toBe("k".repeat(32));
    expect(secretsFile()).toEqual({ sessionSecret: "s".repeat(32), encryptionKey: "k".repeat(32), signingSecret: config.generatedSigningSecret });
  });

  it("is not generated when the variable is set, in production, or under test", () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = VALID;
    expect(env().generatedSigningSecret).toBeNull();
    delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
    process.env.NODE_ENV = "test";
    resetEnvCache();
    expect(env().generatedSigningSecret).toBeNull();
    process.env.NODE_ENV = "production";
    process.env.SESSION_SECRET = "x".repeat(32);
    process.env.HOOKLINE_ENCRYPTION_KEY = "y".repeat(32);
    resetEnvCache();
    expect(env().generatedSigningSecret).toBeNull();
    // (test mode still keeps session and encryption secrets there, as before)
    expect(fs.existsSync(path.join(dataDir, "secrets.json")) ? secretsFile().signingSecret : undefined).toBeUndefined();
  });
});

describe("CLERK_WEBHOOK_SIGNING_SECRET", () => {
  it.each([["whsec_..."], ["whsec_abc"], ["my-secret"], [`${VALID} whsec_...`]])("refuses %j with a message that names the variable", (value) => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = value;
    expect(() => env()).toThrow(EnvError);
    let message = "";
    try {
      env();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("CLERK_WEBHOOK_SIGNING_SECRET");
    expect(message).toContain("whsec_ followed by base64");
  });

  it("never prints a whole secret it refuses", () => {
    const long = `whsec_${"A".repeat(20)}!!`;
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = long;
    expect(() => env()).toThrow(/whsec_AAAA…/);
    expect(() => env()).not.toThrow(new RegExp(long.replace(/[!]/g, "\\!")));
  });

  it("accepts one secret, or several separated by spaces or commas (rotation)", () => {
    process.env.CLERK_WEBHOOK_SIGNING_SECRET = `${VALID}, ${VALID}\n${VALID}`;
    expect(env().CLERK_WEBHOOK_SIGNING_SECRET).toContain(VALID);
  });
});
