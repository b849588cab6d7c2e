// Where Hookline may send. Targets are URLs typed in by operators, so a target is an
// outbound request the server makes on someone's behalf (SSRF). The rules:
//   - cloud metadata endpoints are always refused, checked on the resolved addresses
//     (a DNS name pointing at 169.254.169.254 is refused too);
//   - private and loopback addresses are allowed by default, because the consumers a
//     team replays to usually live inside the same network;
//   - HOOKLINE_TARGET_ALLOWLIST, when set, restricts targets to the listed hosts.
// svix-webhooks blocks private ranges outright; Hookline is self-hosted next to its
// consumers, so it blocks only what is never a webhook consumer. See README "Targets".
import dns from "node:dns";
import net from "node:net";

/** Instance metadata services of the big clouds (AWS incl. ECS/EKS, GCP, Azure, Alibaba, Oracle). */
const METADATA_ADDRESSES = [
  "169.254.169.254",
  "169.254.170.2",
  "169.254.170.23",
  "fd00:ec2::254",
  "fd00:ec2::23",
  "100.100.100.200",
  "168.63.129.16",
  "192.0.0.192",
];
const METADATA_HOSTNAMES = ["metadata.google.internal", "metadata.goog", "metadata.azure.internal", "instance-data.ec2.internal"];

const metadataBlockList = new net.BlockList();
for (const address of METADATA_ADDRESSES) metadataBlockList.addAddress(address, net.isIPv6(address) ? "ipv6" : "ipv4");

export class BlockedDestinationError extends Error {
  readonly code = "EBLOCKED";
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad allowed), or null. */
function ipv6Groups(address: string): number[] | null {
  if (!net.isIPv6(address)) return null;
  let text = address.toLowerCase().replace(/%.*$/, "");
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(":").map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 ? groups : null;
}

const ipv4From = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/**
 * The IPv4 address an IPv6 spelling carries, or null. A kernel, a NAT64 gateway or a
 * 6to4 relay turns each of these into a packet to that IPv4 address:
 * IPv4-mapped `::ffff:a.b.c.d` (also written `::ffff:a9fe:a9fe`), IPv4-translated
 * `::ffff:0:a.b.c.d`, IPv4-compatible `::a.b.c.d` (deprecated, RFC 4291), NAT64
 * `64:ff9b::a.b.c.d` (RFC 6052) and its local-use `64:ff9b:1::/48` (RFC 8215, /96
 * layout), and 6to4 `2002:AABB:CCDD::` (RFC 3056).
 */
export function embeddedIPv4(address: string): string | null {
  const g = ipv6Groups(address.replace(/^\[|\]$/g, ""));
  if (!g) return null;
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return ipv4From(g[6]!, g[7]!);
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return ipv4From(g[6]!, g[7]!);
  // `::` and `::1` are not IPv4-compatible addresses.
  if (zeros(0, 6) && (g[6] !== 0 || g[7]! > 1)) return ipv4From(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && (zeros(2, 6) || (g[2] === 1 && zeros(3, 6)))) return ipv4From(g[6]!, g[7]!);
  if (g[0] === 0x2002) return ipv4From(g[1]!, g[2]!);
  return null;
}

/** `::ffff:169.254.169.254` (or `::ffff:a9fe:a9fe`, as URLs write it) is 169.254.169.254. */
function normaliseAddress(address: string): { address: string; family: "ipv4" | "ipv6" } {
  const bare = address.replace(/^\[|\]$/g, "");
  const g = net.isIPv6(bare) ? ipv6Groups(bare) : null;
  if (g && g.slice(0, 5).every((group) => group === 0) && g[5] === 0xffff) return { address: ipv4From(g[6]!, g[7]!), family: "ipv4" };
  return { address: bare, family: net.isIPv6(bare) ? "ipv6" : "ipv4" };
}

export function isMetadataAddress(address: string): boolean {
  const { address: ip, family } = normaliseAddress(address);
  if (!net.isIP(ip)) return false;
  if (metadataBlockList.check(ip, family)) return true;
  // NOTE: NAT64, IPv4-compatible and 6to4 spellings reach the same IPv4 service.
  const embedded = family === "ipv6" ? embeddedIPv4(ip) : null;
  return embedded !== null && metadataBlockList.check(embedded, "ipv4");
}

export function isMetadataHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return METADATA_HOSTNAMES.includes(host);
}

/** HOOKLINE_TARGET_ALLOWLIST: hosts (`hooks.internal`), wildcards (`*.example.com`), IPs and CIDRs (`10.0.0.0/8`). */
export interface TargetAllowlist {
  entries: string[];
  /** It lists IPs or CIDRs, so a hostname not listed by name may still resolve into it. */
  hasAddressRanges: boolean;
  hostAllowed(hostname: string): boolean;
  addressAllowed(address: string): boolean;
}

export function parseAllowlist(text: string | undefined | null): TargetAllowlist | null {
  if (!text || !text.trim()) return null;
  const entries = text.split(/[\s,]+/).map((e) => e.trim().toLowerCase()).filter(Boolean);
  const hosts: string[] = [];
  const suffixes: string[] = [];
  const addresses = new net.BlockList();
  for (const entry of entries) {
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr && net.isIP(cidr[1]!)) {
      const family = net.isIPv6(cidr[1]!) ? "ipv6" : "ipv4";
      const prefix = Number(cidr[2]);
      if (prefix > (family === "ipv6" ? 128 : 32)) throw new Error(`HOOKLINE_TARGET_ALLOWLIST: "${entry}" has a bad prefix length`);
      addresses.addSubnet(cidr[1]!, prefix, family);
    } else if (net.isIP(entry.replace(/^\[|\]$/g, ""))) {
      const ip = normaliseAddress(entry);
      addresses.addAddress(ip.address, ip.family);
    } else if (entry.startsWith("*.")) {
      suffixes.push(entry.slice(1));
    } else if (/^[a-z0-9.-]+$/.test(entry)) {
      hosts.push(entry.replace(/\.$/, ""));
    } else {
      throw new Error(`HOOKLINE_TARGET_ALLOWLIST: "${entry}" is not a host, *.domain, IP or CIDR`);
    }
  }
  let hasAddressRanges = false;
  for (const entry of entries) if (net.isIP(entry.replace(/^\[|\]$/g, "")) || /^(.+)\/(\d{1,3})$/.test(entry)) hasAddressRanges = true;
  return {
    entries,
    hasAddressRanges,
    hostAllowed(hostname) {
      const host = hostname.toLowerCase().replace(/\.$/, "").replace(/^\[|\]$/g, "");
      return hosts.includes(host) || suffixes.some((suffix) => host.endsWith(suffix));
    },
    addressAllowed(address) {
      const ip = normaliseAddress(address);
      return net.isIP(ip.address) > 0 && addresses.check(ip.address, ip.family);
    },
  };
}

/**
 * Why a URL may not be a target, or null when it may. Checked when a target is saved
 * (no DNS: names can change) and again on every send (with DNS, see guardedLookup).
 */
export function urlProblem(rawUrl: string, allowlist: TargetAllowlist | null): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return "must be an absolute http:// or https:// URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must use http:// or https://";
  if (url.username || url.password) return "must not contain a user name or password (use an extra header)";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isMetadataHostname(host) || isMetadataAddress(host)) return `${host} is a cloud metadata address and is always blocked`;
  if (allowlist && !allowlist.hostAllowed(host)) {
    if (net.isIP(host)) {
      if (!allowlist.addressAllowed(host)) return `${host} is not in HOOKLINE_TARGET_ALLOWLIST`;
    } else if (!allowlist.hasAddressRanges) {
      return `${host} is not in HOOKLINE_TARGET_ALLOWLIST`;
    }
    // Otherwise the name may resolve into an allowed range; that is checked on every send.
  }
  return null;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses metadata addresses (and, with an
 * allowlist, anything outside it) after DNS resolution, so a hostname cannot smuggle
 * a request to 169.254.169.254.
 */
export function guardedLookup(allowlist: TargetAllowlist | null) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, options.all ? [] : "", 0);
      const list = addresses as dns.LookupAddress[];
      const hostListed = allowlist?.hostAllowed(hostname) ?? true;
      for (const { address } of list) {
        const problem = isMetadataAddress(address)
          ? `${hostname} resolves to ${address}, a cloud metadata address (always blocked)`
          : !hostListed && !allowlist!.addressAllowed(address)
            ? `${hostname} (${address}) is not in HOOKLINE_TARGET_ALLOWLIST`
            : null;
        if (problem) return callback(new BlockedDestinationError(problem), options.all ? [] : "", 0);
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

/** For IP-literal URLs, where Node skips `lookup`. */
export function literalAddressProblem(hostname: string, allowlist: TargetAllowlist | null): string | null {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (!net.isIP(host)) return null;
  if (isMetadataAddress(host)) return `${host} is a cloud metadata address (always blocked)`;
  if (allowlist && !allowlist.hostAllowed(host) && !allowlist.addressAllowed(host)) return `${host} is not in HOOKLINE_TARGET_ALLOWLIST`;
  return null;
}
