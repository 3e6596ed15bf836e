import type { AuthChecker } from "type-graphql";
import type { RequestContext } from "../common/context";
import { ForbiddenError, UnauthenticatedError } from "../common/errors";

/** `@Authorized(...roles)`: the caller must have a key, and its role must be listed. */
export const authChecker: AuthChecker<RequestContext> = ({ context, info }, roles) => {
  if (!context.auth) throw new UnauthenticatedError();
  if (roles.length === 0 || roles.includes(context.auth.role)) return true;
  throw new ForbiddenError(`Role "${context.auth.role}" may not use ${info.parentType.name}.${info.fieldName}; allowed: ${roles.join(", ")}`);
};
