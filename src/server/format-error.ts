import type { GraphQLFormattedError } from "graphql";
import { GraphQLError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { DomainError } from "../common/errors";

/** Codes that Apollo and graphql-js produce for client mistakes; safe to show as they are. */
const CLIENT_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "PAYLOAD_TOO_LARGE",
]);

const HTTP_STATUS: Record<string, number> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429, PAYLOAD_TOO_LARGE: 413 };

export const INTERNAL_MESSAGE = "Internal server error";

/** True when the error is one the caller caused and may see; everything else is masked. */
export function isExposable(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return true;
  if (original instanceof GraphQLError) {
    const code = original.extensions?.code;
    if (typeof code === "string") return CLIENT_CODES.has(code);
    // graphql-js errors without an original error are about the request (bad variables, unknown fields).
    return !original.originalError;
  }
  return false;
}

/**
 * The one place errors become responses: domain errors keep their code and details,
 * client errors pass, anything else is masked as INTERNAL_SERVER_ERROR (no SQL, no stack).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  if (isExposable(error)) {
    const { stacktrace: _stack, exception: _exception, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return { ...base, message: formatted.message, extensions: { ...extensions, code: extensions.code ?? "BAD_USER_INPUT" } };
  }
  return { ...base, message: INTERNAL_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

/** HTTP status for a response whose only errors are of one kind (GraphQL-over-HTTP). */
export function statusForCode(code: string | undefined): number | undefined {
  return code ? HTTP_STATUS[code] : undefined;
}
