import { parseSecretList } from "~/ingest/signature.server";
import { createSource, setSourceSecrets, SOURCE_SLUG_PATTERN } from "~/sources/sources.server";
import { CliError, parseOptions, type Command } from "./command";
import { openDatabase, readStdin } from "./database";

const command: Command = {
  usage: "source create --slug S [--name N] | source secrets --slug S   (secrets, space-separated, on stdin)",
  async run(argv) {
    const { values, positionals } = parseOptions(argv, { slug: { type: "string" }, name: { type: "string" } });
    const slug = values.slug ?? "";
    if (!SOURCE_SLUG_PATTERN.test(slug)) throw new CliError("--slug is 1-63 lower-case letters, digits, '-' or '_'.");
    const secrets = parseSecretList(await readStdin());
    if (secrets.some((s) => !s.startsWith("whsec_"))) throw new CliError("Signing secrets start with whsec_.");
    const { db } = await openDatabase();
    if (positionals[0] === "create") {
      await createSource(db, { slug, name: values.name, secrets });
      console.log(`Created source ${slug}: POST /webhooks/${slug} (${secrets.length} secret(s)).`);
    } else if (positionals[0] === "secrets") {
      await setSourceSecrets(db, slug, secrets);
      console.log(`Source ${slug} now has ${secrets.length} secret(s).`);
    } else {
      throw new CliError(`Usage: hookline ${this.usage}`);
    }
  },
};
export default command;
