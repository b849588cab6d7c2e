import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

import { isDatabaseUnavailable } from "./database-errors";

describe("isDatabaseUnavailable", () => {
  it("recognises SQLite's lock still taken, as thrown by a real second connection", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hookline-busy-"));
    const holder = new Database(path.join(dir, "db.sqlite"));
    const other = new Database(path.join(dir, "db.sqlite"));
    try {
      holder.pragma("journal_mode = WAL");
      holder.exec("CREATE TABLE t (x)");
      other.pragma("busy_timeout = 0");
      holder.exec("BEGIN IMMEDIATE");
      let thrown: unknown = null;
      try {
        other.exec("INSERT INTO t VALUES (1)");
      } catch (error) {
        thrown = error;
      }
      expect(thrown).not.toBeNull();
      expect(isDatabaseUnavailable(thrown)).toBe(true);
      holder.exec("ROLLBACK");
    } finally {
      holder.close();
      other.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("recognises Prisma's time-outs and an unreachable Postgres, and nothing else", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("Operation has timed out"), { code: "P1008" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("Transaction API error"), { code: "P2028" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
