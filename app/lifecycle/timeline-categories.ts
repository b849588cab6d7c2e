// Timeline categories: what the category filter on the user and organization pages
// offers, as sets of resource types (the `resourceType` column). Browser-safe.
export interface TimelineCategory {
  key: string;
  label: string;
  resourceTypes: readonly string[];
}

const BILLING = ["subscription", "subscriptionItem", "paymentAttempt"] as const;

export const USER_CATEGORIES: readonly TimelineCategory[] = [
  { key: "profile", label: "Profile", resourceTypes: ["user"] },
  { key: "sessions", label: "Sessions", resourceTypes: ["session"] },
  {
    key: "organizations",
    label: "Organizations",
    resourceTypes: ["organizationMembership", "organizationInvitation", "organization", "organizationDomain"],
  },
  { key: "messages", label: "Emails & SMS", resourceTypes: ["email", "sms"] },
  { key: "billing", label: "Billing", resourceTypes: BILLING },
];

export const ORGANIZATION_CATEGORIES: readonly TimelineCategory[] = [
  { key: "organization", label: "Organization", resourceTypes: ["organization"] },
  { key: "members", label: "Members", resourceTypes: ["organizationMembership"] },
  { key: "invitations", label: "Invitations", resourceTypes: ["organizationInvitation"] },
  { key: "domains", label: "Domains", resourceTypes: ["organizationDomain"] },
  { key: "billing", label: "Billing", resourceTypes: BILLING },
];

/** The key for "everything not in a named category" (types Clerk adds later, roles...). */
export const OTHER_CATEGORY = "other";

export function categoryOf(categories: readonly TimelineCategory[], resourceType: string | null): string {
  if (!resourceType) return OTHER_CATEGORY;
  return categories.find((category) => category.resourceTypes.includes(resourceType))?.key ?? OTHER_CATEGORY;
}

export function categoryKeys(categories: readonly TimelineCategory[]): string[] {
  return [...categories.map((category) => category.key), OTHER_CATEGORY];
}
