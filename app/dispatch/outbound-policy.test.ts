// Cloud metadata addresses are refused however they are spelled: IPv6 forms that a
// kernel, a NAT64 gateway or a 6to4 relay turns into a packet to 169.254.169.254.
import { describe, expect, it } from "vitest";

import { embeddedIPv4, isMetadataAddress, literalAddressProblem, parseAllowlist, urlProblem } from "./outbound-policy.server";

const METADATA_SPELLINGS = [
  "169.254.169.254",
  "::ffff:169.254.169.254",
  "::ffff:a9fe:a9fe",
  "0:0:0:0:0:ffff:a9fe:a9fe",
  "::ffff:0:a9fe:a9fe",
  "::a9fe:a9fe",
  "::169.254.169.254",
  "64:ff9b::a9fe:a9fe",
  "64:ff9b::169.254.169.254",
  "64:FF9B:0:0:0:0:A9FE:A9FE",
  "64:ff9b:1::a9fe:a9fe",
  "2002:a9fe:a9fe::1",
  "64:ff9b::a9fe:aa02", // 169.254.170.2, the ECS task metadata endpoint
  "::ffff:6464:64c8", // 100.100.100.200, Alibaba
];

describe("metadata addresses", () => {
  it.each(METADATA_SPELLINGS)("refuses %s", (address) => {
    expect(isMetadataAddress(address)).toBe(true);
    expect(isMetadataAddress(`[${address}]`)).toBe(true);
    expect(literalAddressProblem(`[${address}]`, null)).toMatch(/cloud metadata address/);
  });

  it.each(["64:ff9b::169.254.169.254", "::169.254.169.254", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "::a9fe:a9fe"])(
    "refuses a target URL on [%s] (URLs rewrite the dotted quad to hex)",
    (address) => {
      expect(urlProblem(`http://[${address}]/latest/meta-data/`, null)).toMatch(/cloud metadata address and is always blocked/);
    },
  );

  it("still refuses them when an allowlist would let the range through", () => {
    const allowlist = parseAllowlist("::/0 0.0.0.0/0");
    expect(urlProblem("http://[64:ff9b::a9fe:a9fe]/", allowlist)).toMatch(/metadata/);
  });

  it.each(["::1", "::", "127.0.0.1", "10.0.0.5", "::ffff:7f00:1", "64:ff9b::a00:5", "2001:db8::a9fe:a9fe", "fe80::1", "2002:a00:1::1"])(
    "lets %s through (not a metadata address)",
    (address) => {
      expect(isMetadataAddress(address)).toBe(false);
      expect(urlProblem(`http://[${address.includes(":") ? address : "x"}]/`.replace("[x]", address), null)).toBeNull();
    },
  );

  it("reads the IPv4 address each IPv6 spelling carries", () => {
    expect(embeddedIPv4("64:ff9b::a00:5")).toBe("10.0.0.5");
    expect(embeddedIPv4("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(embeddedIPv4("2002:c000:204::1")).toBe("192.0.2.4");
    expect(embeddedIPv4("::1")).toBeNull();
    expect(embeddedIPv4("2001:db8::1")).toBeNull();
    expect(embeddedIPv4("169.254.169.254")).toBeNull();
  });
});
