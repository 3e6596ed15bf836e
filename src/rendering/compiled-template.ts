import type { RecommendationRequest } from "./liquid-engine";
import type { CompiledPart, PartCompilation } from "./template-compiler";
import type { RenderSource } from "./template-analysis";

/** One template version, compiled once and cached: parts per locale, fallback, and what it needs. */
export interface CompiledTemplate {
  workspaceId: string;
  templateId: string;
  versionId: string;
  version: number;
  main: CompiledPart;
  locales: Map<string, CompiledPart>;
  /** The non-personal fallback; null means "render the main part without personal data". */
  fallback: CompiledPart | null;
  sources: Set<RenderSource>;
  recommendations: RecommendationRequest[];
}

export function assemble(ids: { workspaceId: string; templateId: string; versionId: string; version: number }, main: PartCompilation, locales: Map<string, PartCompilation>, fallback: PartCompilation | null): CompiledTemplate {
  const sources = new Set(main.sources);
  const recs = new Map(main.recommendations.map((r) => [JSON.stringify(r), r]));
  for (const l of locales.values()) {
    l.sources.forEach((s) => sources.add(s));
    l.recommendations.forEach((r) => recs.set(JSON.stringify(r), r));
  }
  return {
    ...ids,
    main: main.part,
    locales: new Map([...locales].map(([k, v]) => [k, v.part])),
    fallback: fallback?.part ?? null,
    sources,
    recommendations: [...recs.values()],
  };
}

/** A small LRU of compiled versions (compiling MJML costs tens of ms; a render must not). */
export class CompileCache {
  private readonly entries = new Map<string, Promise<CompiledTemplate>>();
  constructor(private readonly max = 256) {}

  get(versionId: string, compile: () => Promise<CompiledTemplate>): Promise<CompiledTemplate> {
    const hit = this.entries.get(versionId);
    if (hit) {
      this.entries.delete(versionId);
      this.entries.set(versionId, hit);
      return hit;
    }
    const pending = compile();
    pending.catch(() => this.entries.delete(versionId));
    this.entries.set(versionId, pending);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return pending;
  }

  get size(): number {
    return this.entries.size;
  }
}
