import { describe, expect, it } from "vitest";

import { hexDump, rawBodyView } from "./event-detail.server";

describe("raw body view", () => {
  it("shows UTF-8 bodies as the exact text received", () => {
    const body = Buffer.from('{"data":{"first_name":"Zoë"},  "type":"user.updated"}\n');
    expect(rawBodyView(body, false)).toEqual({ bytes: body.length, text: '{"data":{"first_name":"Zoë"},  "type":"user.updated"}\n', hex: null, hexTruncated: false, hidden: false });
  });

  it("shows other bytes as a hex dump with an ASCII column", () => {
    const body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x41, ...Buffer.from("0123456789abcdefXYZ")]);
    const view = rawBodyView(body, false);
    expect(view.text).toBeNull();
    expect(view.hex).toEqual([
      '00000000  7b 22 ff fe 00 41 30 31 32 33 34 35 36 37 38 39  |{"...A0123456789|',
      "00000010  61 62 63 64 65 66 58 59 5a                       |abcdefXYZ|",
    ]);
  });

  it("hides the body when it holds secrets the caller may not see", () => {
    expect(rawBodyView(Buffer.from('{"otp_code":"123456"}'), true)).toEqual({ bytes: 21, text: null, hex: null, hexTruncated: false, hidden: true });
  });

  it("stops the dump after 64 KiB", () => {
    const view = rawBodyView(Buffer.alloc(70 * 1024, 0xff), false);
    expect(view.hexTruncated).toBe(true);
    expect(view.hex).toHaveLength(4096);
    expect(hexDump(new Uint8Array())).toEqual([]);
  });
});
