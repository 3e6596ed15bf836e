import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { RequestContext } from "../common/context";
import type { Logger } from "../common/logger";
import { describeOperation, shouldAudit } from "../workspaces/audit-describe";
import type { AuditWriter } from "../workspaces/audit-writer";

/**
 * Writes one audit entry per authenticated request that runs a mutation or reads personal
 * data, before the response leaves (group commit keeps that to one INSERT per batch).
 * If the entry cannot be written, a personal-data read is refused (fail closed); a mutation has
 * already taken effect, so its response stands and the failure is logged and counted.
 */
export function auditPlugin(writer: AuditWriter, logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const at = new Date();
      return {
        async willSendResponse({ schema, document, operation, operationName, request, errors, response, contextValue: ctx }) {
          const auth = ctx.auth;
          if (!auth || !document || !operation) return;
          let summary;
          try {
            summary = describeOperation(schema, document, operation, request.variables);
          } catch (error) {
            logger.warn({ err: error, requestId: ctx.requestId }, "audit: could not describe operation");
            return;
          }
          if (!shouldAudit(summary)) return;
          const body = response.body.kind === "single" ? response.body.singleResult : null;
          const outcome = !errors?.length ? "success" : body?.data ? "partial" : "error";
          // The formatted errors carry the public code (domain errors are unwrapped by formatError).
          const shown = body?.errors?.[0] ?? errors?.[0];
          const firstCode = shown ? String(shown.extensions?.code ?? "INTERNAL_SERVER_ERROR") : null;
          try {
            await writer.append({
              workspaceId: auth.workspaceId,
              at,
              apiKeyId: auth.apiKeyId,
              role: auth.role,
              operationType: summary.operationType,
              operationName: operationName ?? null,
              fields: summary.fields,
              targetIds: summary.targetIds,
              targetCount: summary.targetCount,
              personalData: summary.personalData,
              outcome,
              errorCode: firstCode,
              ip: ctx.ip,
              requestId: ctx.requestId,
            });
          } catch (error) {
            logger.error({ err: error, requestId: ctx.requestId, fields: summary.fields }, "audit entry could not be written");
            if (summary.operationType === "query" && body) {
              body.data = null;
              body.errors = [new GraphQLError("Personal data cannot be read while the audit trail is unavailable; retry shortly", { extensions: { code: "SERVICE_UNAVAILABLE", requestId: contextValue.requestId } }).toJSON()];
              response.http.status = 503;
            }
          }
        },
      };
    },
  };
}
