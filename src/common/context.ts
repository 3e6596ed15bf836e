import DataLoader from "dataloader";
import type { RequestAuth } from "./kernel";
import type { WorkspaceScope } from "../db/workspace-scope";

/** Per-request DataLoaders, created on first use by whichever module needs them. */
export class LoaderCache {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>, options?: DataLoader.Options<K, V, unknown>): DataLoader<K, V> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = new DataLoader<K, V, unknown>(batch, options) as DataLoader<unknown, unknown>;
      this.loaders.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }
}

/** What every resolver receives: who is calling, their workspace scope and the request's loaders. */
export interface RequestContext {
  requestId: string;
  auth: RequestAuth | null;
  /** Data access bound to the caller's workspace; throws UNAUTHENTICATED without a key. */
  scope: WorkspaceScope;
  loaders: LoaderCache;
  /** Client address, for the audit trail. */
  ip: string;
}
