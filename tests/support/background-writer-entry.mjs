// A worker thread for app/db/write-gate.integration.test.ts: registers the TypeScript
// loader (worker threads do not inherit it), then runs the background writer.
import { register } from "tsx/esm/api";

register();
await import("./background-writer.ts");
