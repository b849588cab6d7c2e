import { env } from "~/config/env.server";
import { migrateDatabase } from "~/db/migrate.server";
import type { Command } from "./command";

const command: Command = {
  usage: "migrate",
  async run() {
    const { DATABASE_URL } = env();
    const result = await migrateDatabase(DATABASE_URL);
    const where = result.provider === "sqlite" ? DATABASE_URL : "Postgres";
    console.log(
      result.applied.length
        ? `Applied ${result.applied.length} migration(s) to ${where}: ${result.applied.join(", ")}`
        : `Database ${where} is up to date.`,
    );
  },
};
export default command;
