import type { DataSource } from "typeorm";
import { ConflictError, NotFoundError } from "../common/errors";
import { Workspace } from "./workspace.entity";
import { ApiKeyService } from "./api-key.service";
import { Role } from "./role";

export const DEFAULT_WORKSPACE_NAME = "default";

/** Creates and finds workspaces; bootstraps the first one with an admin key. */
export class WorkspaceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async create(name: string): Promise<Workspace> {
    const repo = this.dataSource.getRepository(Workspace);
    if (await repo.findOne({ where: { name } })) throw new ConflictError(`A workspace named "${name}" already exists`);
    return repo.save(repo.create({ name }));
  }

  async get(id: string): Promise<Workspace> {
    const workspace = await this.dataSource.getRepository(Workspace).findOne({ where: { id } });
    if (!workspace) throw new NotFoundError("Workspace", id);
    return workspace;
  }

  /** Finds a workspace by id or by name. */
  async find(idOrName: string): Promise<Workspace | null> {
    const repo = this.dataSource.getRepository(Workspace);
    if (/^[0-9a-f-]{36}$/i.test(idOrName)) {
      const byId = await repo.findOne({ where: { id: idOrName } });
      if (byId) return byId;
    }
    return repo.findOne({ where: { name: idOrName } });
  }

  /**
   * On an empty database: creates the default workspace and an admin key, returning the key's
   * secret (shown once). Returns null when any workspace exists. Safe against concurrent starts.
   */
  async bootstrap(): Promise<{ workspace: Workspace; secret: string } | null> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query("SELECT pg_advisory_xact_lock(hashtext('kindred.bootstrap'))");
      if ((await manager.count(Workspace)) > 0) return null;
      const workspace = await manager.save(manager.create(Workspace, { name: DEFAULT_WORKSPACE_NAME }));
      const { secret } = await this.apiKeys.create(workspace.id, "bootstrap admin", Role.ADMIN, manager);
      return { workspace, secret };
    });
  }
}
