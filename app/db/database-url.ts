// Which database a DATABASE_URL points at. Kept free of imports so that
// prisma.config.ts, the CLI and the server can all share it.
import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgres";

export const DEFAULT_DATABASE_URL = "file:./data/hookline.db";

export function databaseProvider(url: string): DatabaseProvider {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}

/** `file:./data/hookline.db` → an absolute path, resolved against the working directory. */
export function sqliteFilePath(url: string): string {
  const file = url.replace(/^file:/, "").replace(/\?.*$/, "");
  if (file === ":memory:") return file;
  return path.resolve(process.cwd(), file);
}
