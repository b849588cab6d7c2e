import { z } from "zod";

import { ROLES } from "~/auth/roles";
import { createApiToken } from "~/auth/tokens.server";
import { recordAudit } from "~/audit/audit.server";
import { CliError, parseOptions, type Command } from "./command";
import { openDatabase } from "./database";
import { formatZod } from "./user";

const TokenInput = z.object({
  name: z.string().trim().min(1, "Name the token (what will use it?)").max(100),
  role: z.enum(ROLES),
});

const command: Command = {
  usage: "token create --name N --role admin|operator|viewer   (prints the token as its last line)",
  async run(argv) {
    const { values, positionals } = parseOptions(argv, { name: { type: "string" }, role: { type: "string" } });
    if (positionals[0] !== "create") throw new CliError(`Usage: hookline ${this.usage}`);
    const parsed = TokenInput.safeParse({ name: values.name ?? "", role: values.role ?? "" });
    if (!parsed.success) throw new CliError(formatZod(parsed.error));
    const { db } = await openDatabase();
    const { id, token } = await createApiToken(db, parsed.data);
    await recordAudit(db, { actor: "cli", action: "token.create", subject: id, detail: { name: parsed.data.name, role: parsed.data.role } });
    console.error(`Created ${parsed.data.role} token "${parsed.data.name}". It is shown once; store it now.`);
    console.log(token);
  },
};
export default command;
