import { GraphQLError, Kind, parse, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { getMetadataStorage } from "type-graphql";
import type { RequestAuth } from "../common/kernel";

/**
 * type-graphql checks `@Authorized` when each event is resolved, not when a subscription starts.
 * This guard checks the roles of every root subscription field at subscribe time, so a role
 * without access is refused at once (FORBIDDEN) instead of receiving errors per event.
 */
export function subscriptionRoles(): Map<string, string[]> {
  const storage = getMetadataStorage();
  const roles = new Map<string, string[]>();
  for (const sub of storage.subscriptions) {
    const authorized = storage.authorizedFields.find((a) => a.target === sub.target && a.fieldName === sub.methodName);
    roles.set(sub.schemaName, authorized ? authorized.roles.map(String) : []);
  }
  return roles;
}

export function checkSubscription(query: string | DocumentNode, operationName: string | null | undefined, auth: RequestAuth | null, roles: Map<string, string[]>): GraphQLError[] | null {
  let document: DocumentNode;
  try {
    document = typeof query === "string" ? parse(query) : query;
  } catch {
    return null; // graphql-ws reports the syntax error itself
  }
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation) return null;
  // Queries and mutations over the socket would skip the HTTP path's audit trail, cost limit and rate limit.
  if (operation.operation !== "subscription") {
    return [new GraphQLError(`Only subscriptions are served over WebSocket; send ${operation.operation === "mutation" ? "mutations" : "queries"} to POST /graphql`, { extensions: { code: "BAD_REQUEST" } })];
  }
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const allowed = roles.get(selection.name.value);
    if (!auth) return [new GraphQLError("A valid API key is required", { extensions: { code: "UNAUTHENTICATED" } })];
    if (allowed && allowed.length && !allowed.includes(auth.role)) {
      return [new GraphQLError(`Role "${auth.role}" may not subscribe to ${selection.name.value}; allowed: ${allowed.join(", ")}`, { extensions: { code: "FORBIDDEN" } })];
    }
  }
  return null;
}
