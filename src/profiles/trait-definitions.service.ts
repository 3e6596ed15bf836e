import type { DataSource } from "typeorm";
import { ProblemCollector } from "../common/errors";
import { PROPERTY_TYPES, type PropertyType } from "./value-types";
import { COMPUTED_TRAIT_TYPES } from "./computed-traits";
import { TraitDefinition } from "./trait-definition.entity";

/** Is `value` of the declared trait type? */
export function traitValueOk(type: string, value: unknown): boolean {
  switch (type as PropertyType) {
    case "string": return typeof value === "string";
    case "number": return typeof value === "number" && Number.isFinite(value);
    case "boolean": return typeof value === "boolean";
    case "date": return typeof value === "string" && !Number.isNaN(Date.parse(value));
    case "list": return Array.isArray(value);
    case "object": return value !== null && typeof value === "object" && !Array.isArray(value);
    default: return false;
  }
}

/** Declared custom trait types per workspace; identify() checks traits against them. */
export class TraitDefinitionsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Trait name → declared type for one workspace. */
  async typesFor(workspaceId: string): Promise<Map<string, string>> {
    const rows = await this.dataSource.getRepository(TraitDefinition).find({ where: { workspaceId } });
    return new Map(rows.map((r) => [r.name, r.type]));
  }

  async list(workspaceId: string): Promise<TraitDefinition[]> {
    return this.dataSource.getRepository(TraitDefinition).find({ where: { workspaceId }, order: { name: "ASC" } });
  }

  /** Declares (or re-declares) trait types; all problems reported at once. */
  async define(workspaceId: string, defs: { name: string; type: string; description?: string | null }[], path = "input.traits"): Promise<TraitDefinition[]> {
    const problems = new ProblemCollector();
    defs.forEach((d, i) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(d.name)) problems.add(`${path}[${i}].name`, "must be a letter or _ followed by up to 63 letters, digits or _");
      if (COMPUTED_TRAIT_TYPES.has(d.name)) problems.add(`${path}[${i}].name`, `"${d.name}" is a computed trait`);
      if (!PROPERTY_TYPES.includes(d.type as PropertyType)) problems.add(`${path}[${i}].type`, `must be one of ${PROPERTY_TYPES.join(", ")}`);
    });
    problems.throwIfAny();
    const repo = this.dataSource.getRepository(TraitDefinition);
    await repo.upsert(defs.map((d) => ({ workspaceId, name: d.name, type: d.type, description: d.description ?? null })), ["workspaceId", "name"]);
    return this.list(workspaceId);
  }

  /** Checks traits against declared types; reports every mismatch with its path. */
  check(types: Map<string, string>, traits: Record<string, unknown>, path: string, problems: ProblemCollector): void {
    for (const [name, value] of Object.entries(traits)) {
      if (value === null || value === undefined) continue;
      const type = types.get(name);
      if (type && !traitValueOk(type, value)) problems.add(`${path}.${name}`, `must be a ${type} (declared type of this trait)`);
    }
  }
}
