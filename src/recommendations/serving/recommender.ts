import { DEFAULT_WEIGHTING, eventWeight, type WeightingParams } from "../algorithms/interactions";
import { MASKED } from "../graphs/scoring-graphs";
import type { CatalogEntry } from "./catalog-snapshot";
import { diversify } from "./diversity";
import { catalogMask, passesCatalog, PURCHASE_TYPES, personalExclusions, SENT_TYPES, staticFilterKey, type HistoryEvent } from "./filters";
import { blend, DEFAULT_HYBRID, repeatList, type ComponentList, type HybridWeights, type ScoreSource } from "./hybrid";
import { reasonFor } from "./reasons";
import type { RecRuntime, ScoredList, UserHistory, UserMask } from "./rec-runtime";
import type { RecItem, RecRequest, RecResult } from "./types";

/** An active model ready to score: runtime, version and how it weights events. */
export interface LoadedModel {
  rt: RecRuntime;
  versionId: string;
  label: string;
  kind: string;
  weighting: WeightingParams;
}

/** One request with what serving knows about the person. */
export interface ScoringInput {
  req: RecRequest;
  strategy: string;
  history: HistoryEvent[];
  personalized: boolean;
}

const COLLABORATIVE = ["ALS", "EASE", "ITEM_KNN"];
/** How deep the shared popularity ranking goes before each person's exclusions are removed. */
const POPULAR_DEPTH = 1000;
const REPEAT_TYPES = new Set([...PURCHASE_TYPES, "add_to_cart", "cart", "product_added"]);
/** How long a person's weighted history (and so their fold-in) is reused for the same event list: decay over a minute is negligible. */
const HISTORY_REUSE_MS = 60_000;

/** Scores batches of requests: one ONNX run per model for the whole batch, then blending, filters, diversity and reasons. */
export class Recommender {
  private readonly masks = new Map<string, Float32Array>();
  private readonly popular = new WeakMap<Float32Array, Promise<ScoredList>>();
  /** Weighted histories per event list (the cached profile state's array) and model version: repeat requests reuse them and the runtime's fold-in. */
  private readonly weighted = new WeakMap<HistoryEvent[], Map<string, { at: number; history: UserHistory }>>();

  constructor(private readonly hybrid: HybridWeights = DEFAULT_HYBRID) {}

  async run(inputs: ScoringInput[], models: Map<string, LoadedModel>, catalog: { byId: Map<string, CatalogEntry>; version: number }, now: number): Promise<RecResult[]> {
    // Which model kinds each input wants, in fallback order.
    const wanted = inputs.map((input) => this.plan(input, models));
    const lists = new Map<string, Map<number, { ids: string[]; scores: Float32Array }>>();
    // Fixed order: collaborative runs first, so AUTO can skip the full-catalog content run for people it already covers.
    const order = [...COLLABORATIVE, "CONTENT", "POPULAR"].filter((k) => models.has(k));
    const covered = new Set<number>();
    for (const kind of order) {
      const model = models.get(kind)!;
      const jobs: { at: number; history: UserHistory; mask: UserMask; k: number }[] = [];
      inputs.forEach((input, at) => {
        if (!wanted[at].includes(kind)) return;
        if (kind === "CONTENT" && input.strategy === "AUTO" && covered.has(at)) return;
        const history = kind === "POPULAR" ? { items: [], weights: [] } : this.historyIn(model, input, now);
        if (kind !== "POPULAR" && !history.items.length) return;
        jobs.push({ at, history, mask: this.maskFor(model, input, catalog, now), k: input.req.n * 4 + 20 });
      });
      if (!jobs.length) continue;
      const scored = kind === "POPULAR" ? await this.popularLists(model, jobs) : await model.rt.score(jobs.map((j) => j.history), jobs.map((j) => j.mask), Math.max(...jobs.map((j) => j.k)));
      const byInput = new Map<number, { ids: string[]; scores: Float32Array }>();
      jobs.forEach((job, r) => {
        if (COLLABORATIVE.includes(kind)) covered.add(job.at);
        const keep: number[] = [];
        // Factor and popularity scores are meaningful at any value; neighbour/content scores of 0 mean "unrelated".
        scored[r].scores.forEach((s, i) => s > MASKED / 2 && (kind === "ALS" || kind === "EASE" || kind === "POPULAR" || s > 0) && keep.push(i));
        byInput.set(job.at, { ids: keep.map((i) => model.rt.itemIds[scored[r].indices[i]]), scores: Float32Array.from(keep, (i) => scored[r].scores[i]) });
      });
      lists.set(kind, byInput);
    }
    return inputs.map((input, at) => this.compose(input, at, wanted[at], lists, models, catalog.byId, now));
  }

  /**
   * Popularity is the same for everyone under one catalog filter: rank once per filter (ONNX, cached with
   * the mask) and drop each person's exclusions in TypeScript, instead of a [batch, items] run per batch.
   */
  private async popularLists(model: LoadedModel, jobs: { mask: UserMask; k: number }[]): Promise<ScoredList[]> {
    return Promise.all(
      jobs.map(async (job) => {
        const { base, masked } = job.mask as { base: Float32Array; masked: ArrayLike<number> };
        let ranked = this.popular.get(base);
        if (!ranked) {
          ranked = model.rt.score([{ items: [], weights: [] }], [base], POPULAR_DEPTH).then((r) => r[0]);
          this.popular.set(base, ranked);
        }
        const { indices, scores } = await ranked;
        const skip = new Set(Array.from(masked));
        const keep: number[] = [];
        for (let i = 0; i < indices.length && keep.length < job.k; i++) if (!skip.has(indices[i])) keep.push(i);
        return { indices: Int32Array.from(keep, (i) => indices[i]), scores: Float32Array.from(keep, (i) => scores[i]) };
      }),
    );
  }

  /** Fallback chain per strategy: the model itself (or AUTO's mix), then content, then popular. */
  private plan(input: ScoringInput, models: Map<string, LoadedModel>): string[] {
    if (!input.personalized || input.strategy === "POPULAR") return ["POPULAR"];
    if (input.strategy === "AUTO") return [...COLLABORATIVE.filter((k) => models.has(k)).slice(0, 1), "CONTENT", "POPULAR"];
    return [input.strategy, ...(input.strategy === "CONTENT" ? [] : ["CONTENT"]), "POPULAR"];
  }

  private historyIn(model: LoadedModel, input: ScoringInput, now: number): UserHistory {
    let byModel = this.weighted.get(input.history);
    if (!byModel) this.weighted.set(input.history, (byModel = new Map()));
    const hit = byModel.get(model.versionId);
    if (hit && Math.abs(now - hit.at) < HISTORY_REUSE_MS) return hit.history;
    const sums = new Map<number, number>();
    for (const e of input.history) {
      if (SENT_TYPES.has(e.type)) continue;
      const i = model.rt.itemIndex.get(e.itemId);
      if (i === undefined) continue;
      const w = e.type === "context" ? 5 : eventWeight(e, now, model.weighting);
      if (w > 0) sums.set(i, (sums.get(i) ?? 0) + w);
    }
    const history = { items: [...sums.keys()], weights: [...sums.values()] };
    byModel.set(model.versionId, { at: now, history });
    return history;
  }

  private maskFor(model: LoadedModel, input: ScoringInput, catalog: { byId: Map<string, CatalogEntry>; version: number }, now: number): UserMask {
    const key = `${model.versionId}|${catalog.version}|${staticFilterKey(input.req.filter)}`;
    let base = this.masks.get(key);
    if (!base) {
      if (this.masks.size > 256) this.masks.clear();
      base = catalogMask(model.rt.itemIds, catalog.byId, input.req.filter);
      this.masks.set(key, base);
    }
    const masked: number[] = [];
    const ids = input.personalized ? personalExclusions(input.history, input.req.filter, now, input.strategy !== "AUTO") : new Set<string>();
    if (input.req.context?.itemId) ids.add(input.req.context.itemId);
    for (const id of ids) {
      const i = model.rt.itemIndex.get(id);
      if (i !== undefined) masked.push(i);
    }
    return { base, masked };
  }

  private compose(input: ScoringInput, at: number, wanted: string[], lists: Map<string, Map<number, { ids: string[]; scores: Float32Array }>>, models: Map<string, LoadedModel>, catalog: Map<string, CatalogEntry>, now: number): RecResult {
    const { req } = input;
    const get = (kind: string) => lists.get(kind)?.get(at);
    const candidates: { itemId: string; score: number; source: string }[] = [];
    let strategy = "POPULAR";
    if (input.strategy === "AUTO" && input.personalized) {
      const collab = wanted.find((k) => COLLABORATIVE.includes(k));
      const exclusions = personalExclusions(input.history, req.filter, now, false);
      // Model lists come back already masked; only the person's own items need the catalog filter here.
      const repeatable = input.history.filter((e) => REPEAT_TYPES.has(e.type) && !exclusions.has(e.itemId) && (req.context?.itemId ?? null) !== e.itemId && passesCatalog(catalog.get(e.itemId), req.filter));
      const repeat = repeatList(repeatable.map((e) => ({ itemId: e.itemId, weight: eventWeight(e, now, DEFAULT_WEIGHTING) })));
      let content = get("CONTENT");
      const contentModel = models.get("CONTENT");
      if (!content && contentModel && collab && get(collab)) {
        // Collaborative answered: content re-ranks the candidate pool instead of scoring the whole catalog.
        const pool = [...new Set([...get(collab)!.ids, ...repeat.ids, ...(get("POPULAR")?.ids ?? [])])];
        content = { ids: pool, scores: contentModel.rt.contentScores(this.historyIn(contentModel, input, now), pool) };
      }
      const components: ComponentList[] = [
        ...(collab && get(collab) ? [{ source: "collaborative" as ScoreSource, ids: get(collab)!.ids, scores: get(collab)!.scores, weight: this.hybrid.collaborative }] : []),
        ...(content ? [{ source: "content" as ScoreSource, ids: content.ids, scores: content.scores, weight: this.hybrid.content }] : []),
        { source: "repeat", ids: repeat.ids, scores: repeat.scores, weight: this.hybrid.repeat },
        ...(get("POPULAR") ? [{ source: "popular" as ScoreSource, ids: get("POPULAR")!.ids, scores: get("POPULAR")!.scores, weight: this.hybrid.popular }] : []),
      ];
      const blended = blend(components, req.n * 4 + 20);
      const names: Record<ScoreSource, string> = { collaborative: collab ?? "POPULAR", content: "CONTENT", repeat: "HISTORY", popular: "POPULAR" };
      for (const b of blended) candidates.push({ itemId: b.itemId, score: b.score, source: names[b.source] });
      const personal = blended.some((b) => b.source !== "popular");
      strategy = personal ? "AUTO" : "POPULAR";
    } else {
      for (const kind of wanted) {
        const list = get(kind);
        if (!list) continue;
        if (!candidates.length) strategy = kind;
        const seen = new Set(candidates.map((c) => c.itemId));
        list.ids.forEach((id, i) => !seen.has(id) && candidates.push({ itemId: id, score: list.scores[i], source: kind }));
        if (candidates.length >= req.n * 2) break;
      }
    }
    const diversified = diversify(
      // Explicit fields, not a spread: V8's spread-then-add is ~10× slower and this runs per candidate.
      candidates.map((c) => ({ itemId: c.itemId, score: c.score, source: c.source, category: catalog.get(c.itemId)?.category ?? null })),
      req.n,
      req.diversity,
    );
    const items: RecItem[] = diversified.map((c) => {
      const model = models.get(c.source);
      return { itemId: c.itemId, score: c.score, reason: reasonFor(c.source, catalog.get(c.itemId), input.personalized ? input.history : [], catalog), strategy: c.source, modelVersionId: model?.versionId ?? null, modelVersion: model?.label ?? null };
    });
    const note = !input.personalized
      ? "no personalization consent: showing non-personal popular items"
      : strategy !== input.strategy && input.strategy !== "AUTO"
        ? `${input.strategy} could not answer (no active model or no history for this person): fell back to ${strategy}`
        : !items.length
          ? "no active recommendation model can answer: train one with trainModel"
          : null;
    const main = items.find((i) => i.modelVersionId);
    return { profileId: req.profileId, strategy, personalized: input.personalized && strategy !== "POPULAR", note, items, modelVersionId: main?.modelVersionId ?? null, modelVersion: main?.modelVersion ?? null };
  }
}
