import { buildSchema } from "type-graphql";
import type { GraphQLSchema } from "graphql";
import { authChecker } from "./auth-checker";
import { validateArgs } from "./validate-args";
import type { BoundedPubSub } from "./pubsub";

/**
 * Builds the GraphQL schema from resolver instances (constructor-injected services).
 * Every root field carries `@Authorized` (test/foundation/schema-guards.test.ts fails otherwise),
 * and the auth checker refuses callers without a key, so no per-field global middleware is needed.
 */
export async function buildKindredSchema(resolvers: object[], pubSub: BoundedPubSub): Promise<GraphQLSchema> {
  const byClass = new Map<unknown, object>(resolvers.map((r) => [r.constructor, r]));
  const classes = resolvers.map((r) => r.constructor) as unknown as [() => void, ...(() => void)[]];
  return buildSchema({
    resolvers: classes,
    container: { get: (cls) => byClass.get(cls) },
    authChecker,
    authMode: "error",
    validate: true,
    validateFn: validateArgs,
    pubSub,
  });
}
