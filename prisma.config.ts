// Prisma's CLI normally downloads native engines, which this project cannot rely on
// (offline build machines). The JS schema engine with a driver adapter runs fully
// offline; see docs/decisions/0002-prisma-two-providers.md.
import path from "node:path";
import { defineConfig } from "prisma/config";

import { databaseProvider, sqliteFilePath } from "./app/db/database-url";

const url = process.env.DATABASE_URL ?? "file:./data/hookline.db";
const provider = databaseProvider(url);

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join("prisma", provider, "schema.prisma"),
  migrations: { path: path.join("prisma", provider, "migrations") },
  async adapter() {
    if (provider === "postgres") {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: url });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: sqliteFilePath(url) });
  },
});
