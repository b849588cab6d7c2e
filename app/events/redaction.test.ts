import { describe, expect, it } from "vitest";

import { REDACTED, redactEnvelope, seesSecrets } from "./redaction";

describe("redaction", () => {
  it("masks the OTP and the bodies of an email for viewers, without touching the original", () => {
    const envelope = {
      type: "email.created",
      data: { id: "ema_1", body: "<p>Your code is 123456</p>", body_plain: "Your code is 123456", subject: "123456 is your code", to_email_address: "jane@example.com", data: { otp_code: "123456", app: { name: "Acme" } } },
    };
    const { value, paths } = redactEnvelope("email.created", envelope);
    expect(value.data.body).toBe(REDACTED);
    expect(value.data.data.otp_code).toBe(REDACTED);
    expect(value.data.to_email_address).toBe("jane@example.com");
    expect(JSON.stringify(value)).not.toContain("123456");
    expect(paths).toEqual(expect.arrayContaining(["data.body", "data.body_plain", "data.data.otp_code"]));
    expect(envelope.data.data.otp_code).toBe("123456");
  });

  it("masks an SMS message and leaves other types alone", () => {
    expect(redactEnvelope("sms.created", { data: { message: "code 999111", data: { otp_code: "999111" } } }).value).toEqual({ data: { message: REDACTED, data: { otp_code: REDACTED } } });
    const user = { data: { id: "user_1", first_name: "Jane" } };
    expect(redactEnvelope("user.updated", user)).toEqual({ value: user, paths: [] });
  });

  it("lets operators and admins see secrets, not viewers", () => {
    expect([seesSecrets("viewer"), seesSecrets("operator"), seesSecrets("admin")]).toEqual([false, true, true]);
  });
});
