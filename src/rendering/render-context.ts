import type { DataSource } from "typeorm";
import { cartAdapter, recentlyViewedAdapter } from "./adapters/event-adapters";
import { predictionsAdapter, recommendationsAdapter, segmentsAdapter } from "./adapters/decision-adapters";
import { experimentsAdapter } from "./adapters/experiments-adapter";
import { PORTS, type ProfileLike, type ServiceLookup } from "./adapters/ports";
import type { LoadRequest, ProfileData, SourceAdapter } from "./adapters/source-adapter";
import type { RenderSource } from "./template-analysis";

/**
 * Loads what a batch of recipients needs, one adapter per source, each called once per batch and
 * only when the compiled template references its source. Services are looked up on first use.
 */
export class RenderContextLoader {
  private readonly adapters: Map<RenderSource, SourceAdapter>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly lookup: ServiceLookup,
  ) {
    const deps = { dataSource, lookup };
    const list = [segmentsAdapter(deps), predictionsAdapter(deps), recommendationsAdapter(deps), recentlyViewedAdapter(deps), cartAdapter(deps), experimentsAdapter(deps)];
    this.adapters = new Map(list.map((a) => [a.source, a]));
  }

  /** Sources whose service is not installed: templates using them fail validation. */
  unavailable(sources: Iterable<RenderSource>): { source: RenderSource; provider: string }[] {
    const missing: { source: RenderSource; provider: string }[] = [];
    for (const source of sources) {
      if (source === "consent" && !this.lookup.get(PORTS.consent, "allowed")) missing.push({ source, provider: "privacy (consent)" });
      const adapter = this.adapters.get(source);
      if (adapter && !adapter.available()) missing.push({ source, provider: adapter.provider });
    }
    return missing;
  }

  /** Profiles by the ids asked (a merged id yields its survivor); unknown ids are absent. */
  async profiles(workspaceId: string, ids: string[]): Promise<Map<string, ProfileLike>> {
    const service = this.lookup.get(PORTS.profiles, "getMany");
    if (service) {
      const rows = await service.getMany(workspaceId, ids);
      return new Map(ids.flatMap((id, i) => (rows[i] ? [[id, rows[i]!] as const] : [])));
    }
    const rows: { asked: string; id: string; traits: Record<string, unknown>; computed: Record<string, unknown> }[] = await this.dataSource.query(
      `SELECT a.id AS asked, p.id, p.traits, p.computed FROM profiles a JOIN profiles p ON p.workspace_id = a.workspace_id AND p.id = COALESCE(a.merged_into_id, a.id)
       WHERE a.workspace_id = $1 AND a.id = ANY($2::uuid[])`,
      [workspaceId, ids],
    );
    return new Map(rows.map((r) => [r.asked, { id: r.id, traits: r.traits ?? {}, computed: r.computed ?? {} }]));
  }

  /** Personalization consent per profile; without the consent service nothing is denied. */
  async consent(workspaceId: string, ids: string[]): Promise<Map<string, boolean>> {
    const service = this.lookup.get(PORTS.consent, "allowed");
    if (!service || !ids.length) return new Map(ids.map((id) => [id, true]));
    return service.allowed(workspaceId, ids, "personalization");
  }

  /** Experiment arms for every recipient (holdouts get the fallback), when experiments are installed. */
  async assignments(request: LoadRequest, into: Map<string, ProfileData>): Promise<void> {
    const adapter = this.adapters.get("experiments")!;
    if (request.profileIds.length && adapter.available()) await adapter.load(request, into);
  }

  /** Runs the adapters a template references, in parallel, each once for the whole batch. */
  async load(request: LoadRequest, sources: ReadonlySet<RenderSource>, into: Map<string, ProfileData>): Promise<void> {
    if (!request.profileIds.length) return;
    const wanted = [...this.adapters.values()].filter((a) => a.source !== "experiments" && sources.has(a.source) && a.available());
    await Promise.all(
      wanted.map(async (a) => {
        const started = performance.now();
        await a.load(request, into);
        this.timings[a.source] = performance.now() - started;
      }),
    );
  }

  /** Milliseconds the last batch spent per source (debug logging). */
  readonly timings: Partial<Record<RenderSource, number>> = {};
}
