import { ZodError } from "zod";

import { AccountInput, createAccount } from "~/auth/accounts.server";
import { CliError, parseOptions, type Command } from "./command";
import { openDatabase, readStdin } from "./database";

const command: Command = {
  usage: "user create --email E --role admin|operator|viewer [--name N]   (password from HOOKLINE_PASSWORD or stdin)",
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
    });
    if (positionals[0] !== "create") throw new CliError(`Usage: hookline ${this.usage}`);
    const password = process.env.HOOKLINE_PASSWORD ?? (await readStdin()).split(/\r?\n/)[0] ?? "";
    if (!password) {
      throw new CliError("Give the password on stdin (echo \"$PASSWORD\" | npx hookline user create …) or in HOOKLINE_PASSWORD.");
    }
    const input = { email: values.email ?? "", role: values.role ?? "", password, name: values.name };
    const parsed = AccountInput.safeParse(input);
    if (!parsed.success) throw new CliError(formatZod(parsed.error));
    const { db } = await openDatabase();
    if (await db.account.findUnique({ where: { email: parsed.data.email } })) {
      throw new CliError(`An account for ${parsed.data.email} already exists.`);
    }
    const account = await createAccount(db, parsed.data);
    console.log(`Created ${account.role} account ${account.email} (${account.id}).`);
  },
};

export function formatZod(error: ZodError): string {
  return error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`).join("\n");
}

export default command;
