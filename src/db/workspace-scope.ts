import type { DataSource, EntityManager, EntityTarget, FindManyOptions, FindOptionsWhere, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { NotFoundError } from "../common/errors";

/** Any tenant row: it carries the workspace it belongs to. */
export interface TenantRow extends ObjectLiteral {
  workspaceId: string | null;
}

type Where<T> = FindOptionsWhere<T> | FindOptionsWhere<T>[];

/**
 * Data access bound to one workspace: every read and write it makes filters by `workspace_id`,
 * so the filter cannot be forgotten. Resolvers get one from the request context.
 */
export class WorkspaceScope {
  constructor(
    readonly workspaceId: string,
    readonly manager: EntityManager,
  ) {}

  static of(dataSource: DataSource, workspaceId: string): WorkspaceScope {
    return new WorkspaceScope(workspaceId, dataSource.manager);
  }

  /** The same scope inside a transaction. */
  withManager(manager: EntityManager): WorkspaceScope {
    return new WorkspaceScope(this.workspaceId, manager);
  }

  private scoped<T extends TenantRow>(where: Where<T> | undefined): Where<T> {
    const ws = { workspaceId: this.workspaceId } as FindOptionsWhere<T>;
    if (!where) return ws;
    if (Array.isArray(where)) return where.map((w) => ({ ...w, ...ws }));
    return { ...where, ...ws };
  }

  find<T extends TenantRow>(entity: EntityTarget<T>, options: FindManyOptions<T> = {}): Promise<T[]> {
    return this.manager.find(entity, { ...options, where: this.scoped(options.where as Where<T>) });
  }

  findOne<T extends TenantRow>(entity: EntityTarget<T>, where: Where<T>): Promise<T | null> {
    return this.manager.findOne(entity, { where: this.scoped(where) });
  }

  /** Finds one row or throws NOT_FOUND naming what was asked for. */
  async get<T extends TenantRow>(entity: EntityTarget<T>, where: Where<T>, what: string, id: string): Promise<T> {
    const row = await this.findOne(entity, where);
    if (!row) throw new NotFoundError(what, id);
    return row;
  }

  count<T extends TenantRow>(entity: EntityTarget<T>, where?: Where<T>): Promise<number> {
    return this.manager.count(entity, { where: this.scoped(where) });
  }

  /** Creates and saves a row in this workspace. */
  save<T extends TenantRow>(entity: EntityTarget<T>, values: Omit<Partial<T>, "workspaceId">): Promise<T> {
    const row = this.manager.create(entity, { ...values, workspaceId: this.workspaceId } as unknown as T);
    return this.manager.save(entity, row);
  }

  async update<T extends TenantRow>(entity: EntityTarget<T>, where: FindOptionsWhere<T>, patch: Partial<T>): Promise<number> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = await this.manager.update(entity, this.scoped(where) as any, patch as any);
    return result.affected ?? 0;
  }

  async delete<T extends TenantRow>(entity: EntityTarget<T>, where: FindOptionsWhere<T>): Promise<number> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = await this.manager.delete(entity, this.scoped(where) as any);
    return result.affected ?? 0;
  }

  /** A query builder already filtered to this workspace on `alias.workspace_id`. */
  query<T extends TenantRow>(entity: EntityTarget<T>, alias: string): SelectQueryBuilder<T> {
    return this.manager.createQueryBuilder(entity, alias).where(`${alias}.workspace_id = :workspaceId`, { workspaceId: this.workspaceId });
  }
}
