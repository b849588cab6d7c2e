import { describe, expect, it } from "vitest";

import { describeChanges } from "./change-words";
import { diffPayloads } from "./payload-diff";

const jane = {
  id: "user_1",
  first_name: "Jane",
  last_name: "Mensah",
  primary_email_address_id: "idn_1",
  email_addresses: [{ id: "idn_1", email_address: "jane@old.example" }],
  public_metadata: { plan: "free" },
  banned: false,
  updated_at: 1,
};

const words = (before: object, after: object) => describeChanges(diffPayloads(before, after, ["data"]));

describe("describeChanges", () => {
  it("names the change a support person cares about", () => {
    expect(
      words(jane, {
        ...jane,
        primary_email_address_id: "idn_2",
        email_addresses: [...jane.email_addresses, { id: "idn_2", email_address: "jane@new.example" }],
        updated_at: 2,
      }),
    ).toBe("primary email changed, email addresses changed");
  });

  it("shows short metadata values per key, and says ban and name plainly", () => {
    expect(words(jane, { ...jane, public_metadata: { plan: "business" } })).toBe("public metadata: plan free → business");
    expect(words(jane, { ...jane, banned: true })).toBe("banned");
    expect(words(jane, { ...jane, first_name: "Janet", last_name: "Doe" })).toBe("name changed");
  });

  it("is null when only noise changed, and counts what it leaves out", () => {
    expect(words(jane, { ...jane, updated_at: 2 })).toBeNull();
    expect(words(jane, { ...jane, first_name: "J", username: "jm", banned: true, locked: true })).toBe("name changed, username changed, banned (+1 more)");
  });
});

describe("describeChanges for memberships and statuses", () => {
  it("shows the old and new role", () => {
    const before = { id: "orgmem_1", role: "org:member", updated_at: 1 };
    expect(describeChanges(diffPayloads(before, { ...before, role: "org:admin", updated_at: 2 }, ["data"]))).toBe("role org:member → org:admin");
  });
});
