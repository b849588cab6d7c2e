// "Copy as curl": a shell command that sends a delivery's exact bytes again, with its
// content type and svix-* headers, to a URL the person chooses. Optionally re-signed
// with a secret they paste and a fresh timestamp: the HMAC is computed here, in the
// browser (WebCrypto), so the secret never reaches Hookline. Browser-safe.
//
// NOTE: the original `svix-signature` signs the original `svix-timestamp`; receivers
// that verify with svix or Clerk's verifyWebhook refuse timestamps more than 5 minutes
// from now (https://docs.svix.com/receiving/verifying-payloads/how-manual), so a
// command without re-signing only works for a receiver that skips that check.

/** Headers that make the same request: the content type and the signature headers, in arrival order. */
export function curlHeaders(headers: readonly [string, string][]): [string, string][] {
  return headers.filter(([name]) => /^(content-type|svix-(id|timestamp|signature)|webhook-(id|timestamp|signature))$/i.test(name));
}

const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

export function isSigningSecret(secret: string): boolean {
  return SECRET_PATTERN.test(secret.trim());
}

function base64ToBytes(value: string): Uint8Array<ArrayBuffer> {
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** `v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">` with the secret's key, as svix signs. */
export async function svixSignature(secret: string, msgId: string, timestamp: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", base64ToBytes(secret.trim().slice("whsec_".length)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const prefix = new TextEncoder().encode(`${msgId}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix, 0);
  content.set(body, prefix.length);
  return `v1,${bytesToBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`;
}

/** The headers with a fresh timestamp and a new signature over the same id and bytes. */
export async function resignHeaders(
  headers: readonly [string, string][],
  body: Uint8Array,
  secret: string,
  now: number = Date.now(),
): Promise<[string, string][]> {
  if (!isSigningSecret(secret)) throw new Error("The secret must be whsec_ followed by base64, as Clerk shows it.");
  const find = (name: string) => headers.find(([n]) => n.toLowerCase() === `svix-${name}` || n.toLowerCase() === `webhook-${name}`)?.[1];
  const msgId = find("id");
  if (!msgId) throw new Error("This delivery has no svix-id header to sign.");
  const timestamp = String(Math.floor(now / 1000));
  const signature = await svixSignature(secret, msgId, timestamp, body);
  const out = headers.map(([name, value]): [string, string] => {
    const lower = name.toLowerCase();
    if (lower.endsWith("-timestamp")) return [name, timestamp];
    if (lower.endsWith("-signature")) return [name, signature];
    return [name, value];
  });
  if (!out.some(([n]) => /-(timestamp)$/i.test(n))) out.push(["svix-timestamp", timestamp]);
  if (!out.some(([n]) => /-(signature)$/i.test(n))) out.push(["svix-signature", signature]);
  return out;
}

/** A POSIX shell word: single quotes keep every byte but `'` itself. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** Bodies above this size, or with bytes a terminal paste could change, go through base64. */
const INLINE_LIMIT = 64 * 1024;

/** The body as a text argument when that is exact and safe to paste, else null. */
function inlineText(body: Uint8Array): string | null {
  if (body.length > INLINE_LIMIT) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return null;
  }
  // A leading @ makes curl read a file; CR, NUL and other control bytes do not survive a terminal paste.
  if (text.startsWith("@") || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return null;
  return text;
}

export function buildCurlCommand(input: { url: string; headers: readonly [string, string][]; body: Uint8Array }): string {
  const headerArgs = input.headers.map(([name, value]) => `  -H ${shellQuote(`${name}: ${value}`)}`);
  const text = inlineText(input.body);
  if (text !== null) {
    return [`curl -sS -X POST ${shellQuote(input.url)} \\`, ...headerArgs.map((h) => `${h} \\`), `  --data-binary ${shellQuote(text)}`].join("\n");
  }
  // Exact for any bytes: decoded from base64 and read by curl from standard input.
  return [
    `printf '%s' ${shellQuote(bytesToBase64(input.body))} | base64 -d | \\`,
    `curl -sS -X POST ${shellQuote(input.url)} \\`,
    ...headerArgs.map((h) => `${h} \\`),
    `  --data-binary @-`,
  ].join("\n");
}

export const DEFAULT_CURL_URL = "http://localhost:3000/api/webhooks";
