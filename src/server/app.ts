import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap } from "@apollo/server";
import type { ApolloServer } from "@apollo/server";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import type { GraphQLSchema } from "graphql";
import type { KindredConfig } from "../config/config";
import type { RequestContext } from "../common/context";
import type { HttpRoute, KindredModule, RequestAuth } from "../common/kernel";
import type { Logger } from "../common/logger";
import { httpRequests, metricsRegistry, registerPoolMetrics } from "../common/metrics";
import { poolOf, migrationsApplied } from "../db/data-source";
import { API_KEYS, WORKSPACES } from "../workspaces/workspaces.module";
import { createApolloServer } from "./apollo";
import { auditPlugin } from "./audit-plugin";
import { AUDIT_LOG } from "../workspaces/audit.module";
import { createRequestContext, requestIdFrom } from "./context-factory";
import { BodyTooLargeError, bearerToken, clientIp, readBody, sendGraphQLError, sendJson } from "./http-util";
import { BoundedPubSub } from "./pubsub";
import { RateLimiter } from "./rate-limit";
import { buildKindredSchema } from "./schema";
import { checkSubscription, subscriptionRoles } from "./subscription-guard";
import { createRuntime, type Runtime } from "./kernel-factory";
import { takeAsciiResponse } from "../common/pre-encoded-json";

/** A running Kindred server. */
export interface KindredApp {
  url: string;
  port: number;
  runtime: Runtime;
  schema: GraphQLSchema;
  /** The admin key created on first start of an empty database (shown once), else null. */
  bootstrapKey: string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: KindredConfig;
  logger: Logger;
  /** Create the default workspace and an admin key on an empty database. */
  bootstrap?: boolean;
  /** Additional entity-free modules (plugins, test fixtures). */
  extraModules?: KindredModule[];
}

/** Starts the whole service: database, modules, jobs, HTTP + WebSocket on one port. */
export async function startApp({ config, logger, bootstrap = true, extraModules }: StartOptions): Promise<KindredApp> {
  const runtime = await createRuntime(config, logger, { work: config.runWorker, extraModules });
  const { kernel, modules, registry } = runtime;
  const apiKeys = registry.get(API_KEYS);
  let bootstrapKey: string | null = null;
  if (bootstrap) bootstrapKey = (await registry.get(WORKSPACES).bootstrap())?.secret ?? null;

  const pubSub = new BoundedPubSub();
  kernel.bus.onAny((topic, payload) => pubSub.publish(topic, payload));
  const schema = await buildKindredSchema(modules.flatMap((m) => m.resolvers ?? []), pubSub);
  const routes: HttpRoute[] = modules.flatMap((m) => m.routes ?? []);
  const limiter = new RateLimiter(config.limits.rateLimitPerSecond, config.limits.rateLimitBurst);
  const pool = poolOf(kernel.dataSource);
  registerPoolMetrics(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));

  const authenticate = async (req: IncomingMessage): Promise<RequestAuth | null> => {
    const token = bearerToken(req.headers.authorization) ?? new URL(req.url ?? "/", "http://x").searchParams.get("key") ?? undefined;
    return token ? apiKeys.verify(token) : null;
  };

  let migrationsReady = false;
  // A probe must answer fast: a database that does not answer within 2 s counts as unreachable
  // (the pool's own connect timeout is longer than an orchestrator's probe timeout).
  const readiness = async (): Promise<{ ok: boolean; detail: Record<string, string> }> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("readiness timeout")), 2000)));
    try {
      await Promise.race([kernel.dataSource.query("SELECT 1"), timeout]);
      migrationsReady ||= await Promise.race([migrationsApplied(kernel.dataSource), timeout]);
      return { ok: migrationsReady, detail: { database: "up", migrations: migrationsReady ? "applied" : "pending" } };
    } catch {
      return { ok: false, detail: { database: "unreachable" } };
    } finally {
      clearTimeout(timer);
    }
  };

  const httpServer: Server = createServer();
  const apollo: ApolloServer<RequestContext> = createApolloServer({
    schema,
    httpServer,
    config,
    logger,
    extraPlugins: [{ async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } }, auditPlugin(registry.get(AUDIT_LOG), logger)],
  });
  const subscriptionRoleMap = subscriptionRoles();
  const wss = new WebSocketServer({ server: httpServer, path: "/graphql", maxPayload: 1024 * 1024 });
  const wsCleanup = useServer<Record<string, unknown>, { auth?: RequestAuth | null; ip?: string }>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const raw = (params.authorization ?? params.Authorization ?? params.apiKey) as string | undefined;
        const auth = raw ? await apiKeys.verify(bearerToken(String(raw)) ?? "") : null;
        if (!auth) return false;
        ctx.extra.auth = auth;
        ctx.extra.ip = clientIp(ctx.extra.request);
        return true;
      },
      onSubscribe: (ctx, _id, payload) => checkSubscription(payload.query, payload.operationName, ctx.extra.auth ?? null, subscriptionRoleMap) ?? undefined,
      context: (ctx) => createRequestContext(kernel.dataSource, ctx.extra.auth ?? null, ctx.extra.ip ?? ""),
    },
    wss,
  );

  await apollo.start();

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
    const token = bearerToken(req.headers.authorization);
    const auth = token ? await apiKeys.verify(token) : null;
    if (token && !auth) return sendGraphQLError(res, 401, "UNAUTHENTICATED", "The API key is invalid or revoked", {}, { "www-authenticate": "Bearer" });
    if (auth) {
      const wait = limiter.take(auth.apiKeyId);
      if (wait > 0) return sendGraphQLError(res, 429, "RATE_LIMITED", `Rate limit exceeded for this API key; retry after ${wait}s`, { retryAfterSeconds: wait }, { "retry-after": String(wait) });
    }
    let body: unknown;
    if (req.method === "POST") {
      const text = await readBody(req, config.limits.maxBodyBytes);
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        return sendGraphQLError(res, 400, "BAD_REQUEST", "The request body is not valid JSON");
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    const url = new URL(req.url ?? "/", "http://localhost");
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: async () => createRequestContext(kernel.dataSource, auth, clientIp(req), requestId),
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      // a large response of pre-encoded strings (rendered emails) is ASCII: sent as is, without UTF-8 encoding
      const body = result.body.string;
      res.end(body, takeAsciiResponse(body) ? "latin1" : "utf8");
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    const path = (req.url ?? "/").split("?")[0];
    const route = routes.find((r) => r.method === req.method && path.startsWith(r.prefix));
    const label = path === "/graphql" ? "graphql" : route ? route.prefix : ["/healthz", "/readyz", "/metrics"].includes(path) ? path : "other";
    res.on("finish", () => httpRequests.inc({ route: label, status: String(res.statusCode) }));
    const handle = async () => {
      if (path === "/graphql" && (req.method === "POST" || req.method === "GET")) return handleGraphQL(req, res, requestId);
      if (path === "/healthz" && req.method === "GET") return sendJson(res, 200, { status: "ok" });
      if (path === "/readyz" && req.method === "GET") {
        const ready = await readiness();
        return sendJson(res, ready.ok ? 200 : 503, { status: ready.ok ? "ready" : "not ready", ...ready.detail });
      }
      if (path === "/metrics" && req.method === "GET") {
        const text = await metricsRegistry.metrics();
        res.writeHead(200, { "content-type": metricsRegistry.contentType });
        return void res.end(text);
      }
      if (route) return route.handle(req, res, { authenticate, requestId });
      return sendJson(res, 404, { error: "not found", hint: "GraphQL is served at /graphql" });
    };
    handle().catch((error) => {
      if (error instanceof BodyTooLargeError) {
        res.setHeader("connection", "close");
        return sendGraphQLError(res, 413, "PAYLOAD_TOO_LARGE", error.message, { maxBytes: error.maxBytes });
      }
      logger.error({ err: error, requestId }, "request failed");
      if (!res.headersSent) sendGraphQLError(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error", { requestId });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    runtime,
    schema,
    bootstrapKey,
    stop: () =>
      (stopping ??= (async () => {
        await apollo.stop();
        wss.close();
        await runtime.close();
      })()),
  };
}
