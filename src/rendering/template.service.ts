import type { DataSource } from "typeorm";
import { ConflictError, NotFoundError, ProblemCollector } from "../common/errors";
import { WorkspaceScope } from "../db/workspace-scope";
import { assertUuid, isUuid } from "../common/validation";
import { ContentBlock, ContentBlockVersion } from "./content-block.entity";
import { assemble, CompileCache, type CompiledTemplate } from "./compiled-template";
import type { SaveContentBlockInput, SaveTemplateInput } from "./rendering.inputs";
import { ContentBlockKind, STARTER_BLOCKS } from "./starter-content";
import { compilePart, includedBlocks, type Engines, type PartCompilation, type PartSource } from "./template-compiler";
import { Template, TemplateVersion } from "./template.entity";
import type { RenderSource } from "./template-analysis";

const PROFILE_KEYS = ["profile", "traits", "computed"];

/** Trait names a template may use at top level: those its sample data documents. */
export function knownTraitsOf(sampleData: Record<string, unknown> | null | undefined): Set<string> {
  const names = new Set<string>();
  for (const key of PROFILE_KEYS) {
    const value = sampleData?.[key];
    if (value && typeof value === "object" && !Array.isArray(value)) Object.keys(value).forEach((k) => names.add(k));
  }
  return names;
}

type VersionContent = Pick<TemplateVersion, "mjml" | "subject" | "preheader" | "locales" | "fallback" | "sampleData">;

/** Templates and content blocks: validated, versioned saves and the compile-once cache. */
export class TemplateService {
  readonly cache = new CompileCache();

  constructor(
    private readonly dataSource: DataSource,
    private readonly engines: Engines,
    /** Sources whose providing module is not installed (a template using one is invalid). */
    private readonly unavailable: (sources: Iterable<RenderSource>) => { source: RenderSource; provider: string }[] = () => [],
  ) {}

  /** Compiles every part of a version; each problem is recorded under its input path. */
  private async compileAll(content: VersionContent, blocks: ReadonlyMap<string, string>, problems: ProblemCollector): Promise<{ main: PartCompilation | null; locales: Map<string, PartCompilation>; fallback: PartCompilation | null }> {
    const traits = knownTraitsOf(content.sampleData);
    const main = await compilePart(this.engines, content, blocks, traits, problems, "input");
    const locales = new Map<string, PartCompilation>();
    for (const [i, variant] of content.locales.entries()) {
      if (locales.has(variant.locale)) problems.add(`input.locales[${i}].locale`, `duplicate locale "${variant.locale}"`);
      const source: PartSource = { mjml: variant.mjml ?? content.mjml, subject: variant.subject ?? content.subject, preheader: variant.preheader ?? content.preheader };
      const part = await compilePart(this.engines, source, blocks, traits, problems, `input.locales[${i}]`);
      if (part) locales.set(variant.locale, part);
    }
    const used = [main, ...locales.values()].flatMap((p) => (p ? [...p.sources] : []));
    for (const { source, provider } of this.unavailable(new Set(used))) problems.add("input.mjml", `the template uses ${source} but the ${provider} module is not installed`);
    let fallback: PartCompilation | null = null;
    if (content.fallback) {
      fallback = await compilePart(this.engines, content.fallback, blocks, new Set(), problems, "input.fallback");
      if (fallback?.sources.size) problems.add("input.fallback", `the fallback must be non-personal but references ${[...fallback.sources].join(", ")}`);
    }
    return { main, locales, fallback };
  }

  private async latestBlocks(scope: WorkspaceScope, names: string[]): Promise<Map<string, { version: number; body: string }>> {
    if (!names.length) return new Map();
    const rows: { name: string; version: number; body: string }[] = await scope.manager.query(
      `SELECT b.name, v.version, v.body FROM content_blocks b JOIN content_block_versions v ON v.workspace_id = b.workspace_id AND v.block_id = b.id AND v.version = b.latest_version
       WHERE b.workspace_id = $1 AND b.name = ANY($2)`,
      [scope.workspaceId, names],
    );
    return new Map(rows.map((r) => [r.name, { version: r.version, body: r.body }]));
  }

  /** Validates everything (reporting all problems at once) and stores a new version; nothing invalid is stored. */
  async saveTemplate(scope: WorkspaceScope, input: SaveTemplateInput): Promise<{ template: Template; version: TemplateVersion }> {
    if (input.id) assertUuid(input.id, "input.id");
    const content: VersionContent = {
      mjml: input.mjml,
      subject: input.subject,
      preheader: input.preheader ?? "",
      locales: (input.locales ?? []).map((l) => ({ locale: l.locale, subject: l.subject ?? null, preheader: l.preheader ?? null, mjml: l.mjml ?? null })),
      fallback: input.fallback ? { subject: input.fallback.subject, preheader: input.fallback.preheader, mjml: input.fallback.mjml } : null,
      sampleData: input.sampleData ?? {},
    };
    const names = includedBlocks([content.mjml, ...content.locales.map((l) => l.mjml ?? ""), content.fallback?.mjml ?? ""].join("\n"));
    const blocks = await this.latestBlocks(scope, names);
    const problems = new ProblemCollector();
    const compiled = await this.compileAll(content, new Map([...blocks].map(([k, v]) => [k, v.body])), problems);
    problems.throwIfAny();
    const blockVersions = Object.fromEntries([...blocks].map(([k, v]) => [k, v.version]));
    const saved = await this.dataSource.transaction(async (manager) => {
      const tx = scope.withManager(manager);
      let template: Template;
      if (input.id) {
        const [row] = await manager.query(`SELECT id FROM templates WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [scope.workspaceId, input.id]);
        if (!row) throw new NotFoundError("Template", input.id);
        template = await tx.get(Template, { id: input.id }, "Template", input.id);
        const clash = await tx.findOne(Template, { name: input.name });
        if (clash && clash.id !== template.id) throw new ConflictError(`a template named "${input.name}" already exists`, { path: "input.name" });
        template.latestVersion += 1;
        template.name = input.name;
        template = await manager.save(Template, template);
      } else {
        if (await tx.findOne(Template, { name: input.name })) throw new ConflictError(`a template named "${input.name}" already exists`, { path: "input.name" });
        template = await tx.save(Template, { name: input.name, latestVersion: 1 });
      }
      const version = await tx.save(TemplateVersion, { templateId: template.id, version: template.latestVersion, ...content, blockVersions });
      return { template, version };
    });
    const { main, locales, fallback } = compiled;
    const ids = { workspaceId: scope.workspaceId, templateId: saved.template.id, versionId: saved.version.id, version: saved.version.version };
    void this.cache.get(saved.version.id, async () => assemble(ids, main!, locales, fallback));
    return saved;
  }

  /** Stores a new version of a content block (templates pin the version current when they are saved). */
  async saveContentBlock(scope: WorkspaceScope, input: SaveContentBlockInput): Promise<{ block: ContentBlock; version: ContentBlockVersion }> {
    const body = input.body ?? (input.kind === ContentBlockKind.CUSTOM ? null : STARTER_BLOCKS[input.kind]);
    const problems = new ProblemCollector();
    if (!body) problems.add("input.body", "a custom block needs a body");
    if (body && includedBlocks(body).length) problems.add("input.body", "content blocks cannot include other content blocks");
    problems.throwIfAny();
    // a block is validated inside a minimal document: its Liquid and its MJML must both be valid
    const wrapped = `<mjml><mj-body>${body!}</mj-body></mjml>`;
    const part = await compilePart(this.engines, { mjml: wrapped, subject: "", preheader: "" }, new Map(), new Set(), problems, "input");
    if (!part) throw problemsAsBody(problems);
    return this.dataSource.transaction(async (manager) => {
      const tx = scope.withManager(manager);
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))`, [scope.workspaceId, input.name]);
      let block = await tx.findOne(ContentBlock, { name: input.name });
      if (block) {
        block.latestVersion += 1;
        block.kind = input.kind;
        block = await manager.save(ContentBlock, block);
      } else {
        block = await tx.save(ContentBlock, { name: input.name, kind: input.kind, latestVersion: 1 });
      }
      const version = await tx.save(ContentBlockVersion, { blockId: block.id, version: block.latestVersion, body: body! });
      return { block, version };
    });
  }

  /** The compiled version renders use (latest unless pinned), compiled at most once per process. */
  async compiled(workspaceId: string, templateId: string, version?: number | null): Promise<CompiledTemplate> {
    // every render asks: one indexed lookup of the version id; the stored row is read only to compile it
    const [hit]: { latest: number; id: string | null }[] = await this.dataSource.query(
      `SELECT t.latest_version AS latest, v.id FROM templates t
       LEFT JOIN template_versions v ON v.workspace_id = t.workspace_id AND v.template_id = t.id AND v.version = COALESCE($3::int, t.latest_version)
       WHERE t.workspace_id = $1 AND t.id = $2`,
      [workspaceId, templateId, version ?? null],
    );
    if (!hit) throw new NotFoundError("Template", templateId);
    if (!hit.id) throw new NotFoundError("Template version", `${templateId}@${version ?? hit.latest}`);
    const versionId = hit.id;
    return this.cache.get(versionId, async () => {
      const row = await WorkspaceScope.of(this.dataSource, workspaceId).findOne(TemplateVersion, { id: versionId });
      if (!row) throw new NotFoundError("Template version", versionId);
      const blocks = await this.pinnedBlocks(workspaceId, row);
      return this.assembleVersion(workspaceId, row, blocks);
    });
  }

  /**
   * The compiled version an experiment arm renders: another version of the template and/or content
   * blocks replaced by slot (a body, or a content block / block version id). Cached like any version.
   */
  async compiledVariant(base: CompiledTemplate, overrides: { templateVersionId?: string; blocks?: Record<string, string> }): Promise<CompiledTemplate> {
    const versionId = overrides.templateVersionId ?? base.versionId;
    const blocks = Object.entries(overrides.blocks ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (versionId === base.versionId && !blocks.length) return base;
    const key = `${base.workspaceId}/${versionId}/${JSON.stringify(blocks)}`;
    return this.cache.get(key, async () => {
      if (!isUuid(versionId)) throw new Error(`template version "${versionId}" is not a UUID`);
      const row = await WorkspaceScope.of(this.dataSource, base.workspaceId).findOne(TemplateVersion, { id: versionId });
      if (!row) throw new Error(`template version ${versionId} not found`);
      const bodies = await this.pinnedBlocks(base.workspaceId, row);
      for (const [slot, content] of blocks) bodies.set(slot, await this.blockBody(base.workspaceId, content));
      return this.assembleVersion(base.workspaceId, row, bodies);
    });
  }

  private async assembleVersion(workspaceId: string, row: TemplateVersion, blocks: Map<string, string>): Promise<CompiledTemplate> {
    const problems = new ProblemCollector();
    const { main, locales, fallback } = await this.compileAll(row, blocks, problems);
    if (!main || !problems.ok) throw new Error(`stored template version ${row.id} no longer compiles: ${problems.problems.map((p) => p.message).join("; ")}`);
    return assemble({ workspaceId, templateId: row.templateId, versionId: row.id, version: row.version }, main, locales, fallback);
  }

  /** Bodies of the block versions a template version pinned when it was saved. */
  private async pinnedBlocks(workspaceId: string, row: TemplateVersion): Promise<Map<string, string>> {
    const names = Object.keys(row.blockVersions ?? {});
    if (!names.length) return new Map();
    const rows: { name: string; body: string }[] = await this.dataSource.query(
      `SELECT b.name, v.body FROM content_blocks b JOIN content_block_versions v ON v.workspace_id = b.workspace_id AND v.block_id = b.id
       JOIN jsonb_each_text($3::jsonb) pin ON pin.key = b.name AND pin.value::int = v.version WHERE b.workspace_id = $1 AND b.name = ANY($2)`,
      [workspaceId, names, JSON.stringify(row.blockVersions)],
    );
    return new Map(rows.map((b) => [b.name, b.body]));
  }

  /** An arm's block content: a content block id (its latest version), a block version id, or the body itself. */
  private async blockBody(workspaceId: string, content: string): Promise<string> {
    if (!isUuid(content.trim())) return content;
    const [row]: { body: string }[] = await this.dataSource.query(
      `SELECT v.body FROM content_block_versions v LEFT JOIN content_blocks b ON b.workspace_id = v.workspace_id AND b.id = v.block_id
       WHERE v.workspace_id = $1 AND (v.id = $2 OR (b.id = $2 AND v.version = b.latest_version)) LIMIT 1`,
      [workspaceId, content.trim()],
    );
    if (!row) throw new Error(`content block ${content.trim()} not found`);
    return row.body;
  }
}

function problemsAsBody(problems: ProblemCollector): Error {
  // paths of a block's wrapper document are reported against input.body
  problems.problems.forEach((p) => (p.path = p.path.replace(/^input\.mjml/, "input.body")));
  try {
    problems.throwIfAny();
  } catch (error) {
    return error as Error;
  }
  return new Error("invalid block");
}
