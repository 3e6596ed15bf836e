import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { LoaderCache, type RequestContext } from "../common/context";
import { UnauthenticatedError } from "../common/errors";
import type { RequestAuth } from "../common/kernel";
import { WorkspaceScope } from "../db/workspace-scope";

/** Builds a request context; `scope` is only available to authenticated callers. */
export function createRequestContext(dataSource: DataSource, auth: RequestAuth | null, ip: string, requestId: string = randomUUID()): RequestContext {
  return {
    requestId,
    auth,
    ip,
    loaders: new LoaderCache(),
    scope: auth ? WorkspaceScope.of(dataSource, auth.workspaceId) : anonymousScope,
  };
}

/** Stands in for the scope of a caller without a key: any use of it is UNAUTHENTICATED. */
const anonymousScope = new Proxy({} as WorkspaceScope, {
  get() {
    throw new UnauthenticatedError();
  },
});

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Uses the caller's X-Request-Id when it is sane, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}
