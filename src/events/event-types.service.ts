import type { DataSource } from "typeorm";
import { ProblemCollector } from "../common/errors";
import { PROPERTY_TYPES, type PropertyType } from "../profiles/value-types";
import { BUILT_IN_EVENT_TYPES, type PropertySchema } from "./event-schema";
import { EventTypeDefinition } from "./event-type.entity";

const CACHE_MS = 2000;

/** Custom event types per workspace (with a short cache: ingestion reads them every batch). */
export class EventTypesService {
  private readonly cache = new Map<string, { at: number; schemas: Map<string, PropertySchema>; behavioral: Set<string> }>();

  constructor(private readonly dataSource: DataSource) {}

  async schemasFor(workspaceId: string): Promise<{ schemas: Map<string, PropertySchema>; behavioral: Set<string> }> {
    const hit = this.cache.get(workspaceId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit;
    const rows = await this.list(workspaceId);
    const entry = { at: Date.now(), schemas: new Map(rows.map((r) => [r.name, r.properties])), behavioral: new Set(rows.filter((r) => r.behavioral).map((r) => r.name)) };
    this.cache.set(workspaceId, entry);
    return entry;
  }

  list(workspaceId: string): Promise<EventTypeDefinition[]> {
    return this.dataSource.getRepository(EventTypeDefinition).find({ where: { workspaceId }, order: { name: "ASC" } });
  }

  /** Registers or replaces a custom type; every problem in the schema is reported at once. */
  async register(workspaceId: string, def: { name: string; description?: string | null; properties: Record<string, unknown>; behavioral?: boolean | null }, path = "input"): Promise<EventTypeDefinition> {
    const problems = new ProblemCollector();
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(def.name)) problems.add(`${path}.name`, "must be lower_snake_case, at most 64 characters");
    if (BUILT_IN_EVENT_TYPES[def.name]) problems.add(`${path}.name`, `"${def.name}" is a built-in type`);
    const properties: PropertySchema = {};
    for (const [prop, spec] of Object.entries(def.properties ?? {})) {
      const s = spec as { type?: unknown; required?: unknown };
      if (!s || typeof s !== "object" || !PROPERTY_TYPES.includes(s.type as PropertyType)) problems.add(`${path}.properties.${prop}.type`, `must be one of ${PROPERTY_TYPES.join(", ")}`);
      else if (s.required !== undefined && typeof s.required !== "boolean") problems.add(`${path}.properties.${prop}.required`, "must be a boolean");
      else properties[prop] = { type: s.type as PropertyType, required: Boolean(s.required) };
    }
    problems.throwIfAny();
    const repo = this.dataSource.getRepository(EventTypeDefinition);
    await repo.upsert({ workspaceId, name: def.name, description: def.description ?? null, properties, behavioral: def.behavioral ?? true }, ["workspaceId", "name"]);
    this.cache.delete(workspaceId);
    return repo.findOneByOrFail({ workspaceId, name: def.name });
  }
}
