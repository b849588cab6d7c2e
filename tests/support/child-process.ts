// Child processes in tests (servers, the CLI): their output for error messages, a free
// port to give them, and waiting until they show something.
import type { ChildProcess } from "node:child_process";
import net, { type AddressInfo } from "node:net";

export interface Child {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Keeps a child's stdout and stderr, for the message when a wait times out. */
export function collect(child: ChildProcess): Child {
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { child, output: () => output, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` until it returns something truthy; the timeout's message carries `output()`. */
export async function until<T>(what: string, check: () => T | Promise<T>, output: () => string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
