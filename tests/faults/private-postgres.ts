// A Postgres server of the test's own (initdb in a temporary directory, its own port),
// so fault tests can stop and start it without disturbing the shared one.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

function binDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const version = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return version ? path.join(root, version, "bin") : null;
}

/** Runs a Postgres binary as the `postgres` user when we are root (initdb refuses root). */
function run(bin: string, args: string[]) {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? "runuser" : bin;
  const argv = asRoot ? ["-u", "postgres", "--", bin, ...args] : args;
  execFileSync(command, argv, { stdio: "pipe" });
}

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

export function privatePostgresAvailable(): boolean {
  const bin = binDir();
  return bin !== null && fs.existsSync(path.join(bin, "initdb")) && spawnSync("id", ["postgres"]).status === 0;
}

export function startPrivatePostgres(port: number): PrivatePostgres {
  const bin = binDir()!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hookline-pg-"));
  fs.chmodSync(dir, 0o777);
  const data = path.join(dir, "data");
  const log = path.join(dir, "log");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres", dir]);
  run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const start = () =>
    run(path.join(bin, "pg_ctl"), ["-D", data, "-l", log, "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: () => run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]),
    start,
    destroy() {
      try {
        run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
