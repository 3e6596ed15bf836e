import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import type { Server } from "node:http";
import type { GraphQLSchema } from "graphql";
import type { KindredConfig } from "../config/config";
import type { RequestContext } from "../common/context";
import type { Logger } from "../common/logger";
import { stringifyWithPreEncoded } from "../common/pre-encoded-json";
import { graphqlDuration, graphqlRequests, operationLabel } from "../common/metrics";
import { formatError, isExposable, statusForCode } from "./format-error";
import { costLimitPlugin, limitRules } from "./limits";

/** Most tokens a GraphQL document may have (a large introspection query has about 1,000). */
export const MAX_DOCUMENT_TOKENS = 8000;

/** Metrics by operation and outcome; request ids on every error; unexpected errors logged. */
function observabilityPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            if (!isExposable(error)) logger.error({ err: error.originalError ?? error, requestId: contextValue.requestId, operation: operationName }, "unexpected error");
          }
        },
        async willSendResponse({ response, operationName, operation, errors }) {
          const outcome = !errors?.length ? "success" : response.body.kind === "single" && response.body.singleResult.data ? "partial" : "error";
          const label = operationLabel(operationName);
          graphqlRequests.inc({ operation: label, type: operation?.operation ?? "unknown", outcome });
          graphqlDuration.observe({ operation: label, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          if (!result.errors?.length) return;
          result.errors = result.errors.map((e) => ({ ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } }));
          const status = statusForCode(result.errors[0].extensions?.code as string | undefined);
          if (status && !result.data) response.http.status = status;
        },
      };
    },
  };
}

/** Apollo Server with Kindred's limits, error masking, metrics and graceful drain. */
export function createApolloServer(options: {
  schema: GraphQLSchema;
  httpServer: Server;
  config: KindredConfig;
  logger: Logger;
  extraPlugins?: ApolloServerPlugin<RequestContext>[];
}): ApolloServer<RequestContext> {
  const { schema, httpServer, config, logger } = options;
  return new ApolloServer<RequestContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: config.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // The serve and worker commands handle SIGINT/SIGTERM: drain HTTP, jobs and the database in
    // order. Apollo's own handlers would stop it alone and re-raise the signal, cutting that short.
    stopOnTerminationSignals: false,
    // large strings encoded while they were built (rendered emails) are spliced in, not escaped again
    stringifyResult: stringifyWithPreEncoded,
    // Bounds parse and validation work: alias and field floods are refused before O(n²) validation runs.
    parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
    validationRules: limitRules(config.limits),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 10_000 }),
      // No field sets cache hints: without the built-in cache-control plugin Apollo wraps no resolver (a call fewer per field).
      ApolloServerPluginCacheControlDisabled(),
      config.introspection ? ApolloServerPluginLandingPageLocalDefault({ embed: false }) : ApolloServerPluginLandingPageDisabled(),
      costLimitPlugin(() => schema, config.limits.maxCost),
      observabilityPlugin(logger),
      ...(options.extraPlugins ?? []),
    ],
  });
}
