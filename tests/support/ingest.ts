// Feeds events through the real ingest function (signed by the real svix library),
// for suites that need stored events rather than HTTP.
import { ingestDelivery, type IngestDependencies, type IngestResult } from "~/ingest/ingest.server";
import { signedHeaders } from "./svix";

export async function ingestSigned(
  deps: IngestDependencies,
  secret: string,
  envelope: unknown,
  options: { msgId?: string; source?: string; receivedAt?: Date } = {},
): Promise<IngestResult & { deliveryId: string }> {
  const body = Buffer.from(JSON.stringify(envelope));
  const headers = signedHeaders(secret, body, { msgId: options.msgId });
  const result = await ingestDelivery(deps, {
    sourceSlug: options.source ?? "clerk",
    body,
    size: body.length,
    tooLarge: false,
    headers: Object.entries(headers),
    remoteAddr: "127.0.0.1",
    requestId: null,
    receivedAt: options.receivedAt,
  });
  if (result.deliveryId === null) throw new Error(`Delivery was not stored: ${result.detail}`);
  return { ...result, deliveryId: result.deliveryId };
}
