// viewer (support staff) reads; operator also replays and manages targets; admin
// also manages accounts, sources and secrets.
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hasRole(actual: string, needed: Role): boolean {
  return isRole(actual) && ROLES.indexOf(actual) >= ROLES.indexOf(needed);
}
