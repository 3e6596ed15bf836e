import { registerEnumType } from "type-graphql";

/** What an API key may do. */
export enum Role {
  ADMIN = "admin",
  EDITOR = "editor",
  ANALYST = "analyst",
  INGEST = "ingest",
  RENDERER = "renderer",
}

registerEnumType(Role, {
  name: "Role",
  description: "admin: everything; editor: templates, segments, models, experiments (and reads); analyst: read everything; ingest: events, identify, items; renderer: render only",
});

/** Role groups used by `@Authorized(...)` on every resolver. */
export const Can = {
  administer: [Role.ADMIN],
  edit: [Role.ADMIN, Role.EDITOR],
  read: [Role.ADMIN, Role.EDITOR, Role.ANALYST],
  ingest: [Role.ADMIN, Role.INGEST],
  render: [Role.ADMIN, Role.EDITOR, Role.RENDERER],
  any: [Role.ADMIN, Role.EDITOR, Role.ANALYST, Role.INGEST, Role.RENDERER],
} as const;

export const ALL_ROLES = Object.values(Role);

export function parseRole(value: string): Role {
  const role = ALL_ROLES.find((r) => r === value.toLowerCase());
  if (!role) throw new Error(`unknown role "${value}"; allowed: ${ALL_ROLES.join(", ")}`);
  return role;
}
