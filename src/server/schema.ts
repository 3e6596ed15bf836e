import { buildSchema, type MiddlewareFn } from "type-graphql";
import type { GraphQLSchema } from "graphql";
import type { RequestContext } from "../common/context";
import { UnauthenticatedError } from "../common/errors";
import { authChecker } from "./auth-checker";
import { validateArgs } from "./validate-args";
import type { BoundedPubSub } from "./pubsub";

const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);

/** Defence in depth: no root field runs without a verified key, whatever its decorators say. */
const requireKey: MiddlewareFn<RequestContext> = ({ context, info }, next) => {
  if (ROOT_TYPES.has(info.parentType.name) && !context.auth) throw new UnauthenticatedError();
  return next();
};

/** Builds the GraphQL schema from resolver instances (constructor-injected services). */
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
    globalMiddlewares: [requireKey],
  });
}
