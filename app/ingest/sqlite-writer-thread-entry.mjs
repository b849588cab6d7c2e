// Entry of the ingest writer thread. Worker threads do not inherit the TypeScript
// loader the server runs under, so register tsx here, then load the TypeScript entry.
import { register } from "tsx/esm/api";

register();
await import("./sqlite-writer-thread-main.ts");
