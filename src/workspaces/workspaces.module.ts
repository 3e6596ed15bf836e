import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { ApiKey } from "./api-key.entity";
import { ApiKeyService } from "./api-key.service";
import { Workspace } from "./workspace.entity";
import { WorkspaceResolver } from "./workspace.resolver";
import { WorkspaceService } from "./workspace.service";

export const API_KEYS = new ServiceKey<ApiKeyService>("apiKeys");
export const WORKSPACES = new ServiceKey<WorkspaceService>("workspaces");

/** Workspaces, API keys and roles. */
export const workspacesModule: KindredModule = {
  name: "workspaces",
  entities: [Workspace, ApiKey],
  create(kernel, modules) {
    const apiKeys = new ApiKeyService(kernel.dataSource, kernel.bus);
    const workspaces = new WorkspaceService(kernel.dataSource, apiKeys);
    modules.provide(API_KEYS, apiKeys);
    modules.provide(WORKSPACES, workspaces);
    return { resolvers: [new WorkspaceResolver(workspaces, apiKeys)] };
  },
};
