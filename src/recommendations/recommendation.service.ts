import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { NotFoundError, ProblemCollector, UserInputError, DomainError } from "../common/errors";
import type { Logger } from "../common/logger";
import type { Clock } from "../common/clock";
import { isUuid } from "../common/validation";
import type { ModelRegistry } from "../models/model-registry";
import type { ModelVersion } from "../models/model-version.entity";
import { DEFAULT_WEIGHTING, type WeightingParams } from "./algorithms/interactions";
import { CatalogSnapshots } from "./serving/catalog-snapshot";
import { checkFilter, type HistoryEvent } from "./serving/filters";
import { loadHistories } from "./serving/profile-history";
import { RecRuntime } from "./serving/rec-runtime";
import { Recommender, type LoadedModel, type ScoringInput } from "./serving/recommender";
import { ProfileStateCache, type ProfileState } from "./serving/profile-state-cache";
import { ResultCache } from "./serving/result-cache";
import { recommendationCache } from "./serving/rec-metrics";
import { STRATEGIES, type RecFilter, type RecRequest, type RecResult } from "./serving/types";

/** The consent question this module asks (CONSENT service of the privacy module). */
export interface ConsentCheck {
  allowed(workspaceId: string, profileIds: readonly string[], purpose: "personalization"): Promise<Map<string, boolean>>;
}

const KINDS = ["ALS", "EASE", "ITEM_KNN", "CONTENT", "POPULAR", "BOUGHT_TOGETHER"];
export const MAX_N = 100;
/** Batches of `recommendOne` scored at once: one computes while the next one's SQL (if any) is in flight; later requests queue into bigger batches. */
const MAX_BATCHES_IN_FLIGHT = 2;
/** A waiting batch starts anyway after this long, so batches stuck on a slow database cannot hold the rest back. */
const MAX_BATCH_WAIT_MS = 1000;

/**
 * Serves recommendations: validates, answers from the per-profile cache, batches the rest (profile
 * state from memory, else one SQL for histories and one consent query; one ONNX run per model) and
 * caches the answers.
 */
export class RecommendationService {
  readonly cache = new ResultCache();
  readonly states = new ProfileStateCache();
  readonly catalogs: CatalogSnapshots;
  private batchesInFlight = 0;
  private readonly waitingBatches: { dispatch: () => void; timer: NodeJS.Timeout }[] = [];
  private readonly runtimes = new Map<string, Promise<LoadedModel>>();
  private readonly loaders = new Map<string, DataLoader<RecRequest, RecResult>>();
  private readonly recommender = new Recommender();

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ModelRegistry,
    private readonly consent: ConsentCheck | null,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.catalogs = new CatalogSnapshots(dataSource);
  }

  /** A batch (e.g. every recipient of a render): one result per request, in order; a bad request gets `error` and never sinks the others. */
  async recommend(workspaceId: string, requests: RecRequest[]): Promise<RecResult[]> {
    const results: (RecResult | undefined)[] = new Array(requests.length);
    const catalog = await this.catalogs.get(workspaceId);
    const todo: { at: number; req: RecRequest; strategy: string }[] = [];
    requests.forEach((raw, at) => {
      const req = { ...raw, strategy: raw.strategy ?? "AUTO" };
      const problems = new ProblemCollector();
      checkRequest(req, problems, `requests[${at}]`);
      if (!problems.ok) return (results[at] = errorResult(req.profileId, new UserInputError(problems.problems), problems.problems[0].path));
      const hit = this.cache.get(workspaceId, req, catalog.version);
      recommendationCache.inc({ outcome: hit ? "hit" : "miss" });
      if (hit) results[at] = hit;
      else todo.push({ at, req, strategy: req.strategy });
    });
    if (todo.length) {
      const now = this.clock.now().getTime();
      const started = this.states.begin();
      const ids = [...new Set(todo.map((t) => t.req.profileId))];
      const [states, models] = await Promise.all([this.profileStates(workspaceId, ids, now, started), this.activeModels(workspaceId)]);
      const found = todo.filter((t) => {
        if (states.get(t.req.profileId)?.exists) return true;
        results[t.at] = errorResult(t.req.profileId, new NotFoundError("Profile", t.req.profileId), `requests[${t.at}].profileId`);
        return false;
      });
      const inputs: ScoringInput[] = found.map((t) => {
        const state = states.get(t.req.profileId)!;
        return { req: t.req, strategy: t.strategy, history: withContext(state.history, t.req, now), personalized: state.personalized };
      });
      const answers = await this.recommender.run(inputs, models, catalog, now);
      found.forEach((t, i) => {
        results[t.at] = answers[i];
        // An answer computed from state that changed meanwhile is served once but not kept.
        if (!this.states.changedSince(workspaceId, [t.req.profileId, states.get(t.req.profileId)!.survivor], started)) this.cache.set(workspaceId, t.req, answers[i], catalog.version);
      });
    }
    return results as RecResult[];
  }

  /**
   * One request. A cached answer returns at once; the rest are batched into one `recommend` per
   * event-loop turn (one ONNX run per model), and while MAX_BATCHES_IN_FLIGHT batches are running
   * the next requests gather into the following batch.
   */
  async recommendOne(workspaceId: string, req: RecRequest): Promise<RecResult> {
    const snapshot = this.catalogs.peek(workspaceId);
    const hit = snapshot ? this.cache.get(workspaceId, { ...req, strategy: req.strategy ?? "AUTO" }, snapshot.version) : undefined;
    if (hit) {
      recommendationCache.inc({ outcome: "hit" });
      return hit;
    }
    let loader = this.loaders.get(workspaceId);
    if (!loader) {
      loader = new DataLoader<RecRequest, RecResult>((reqs) => this.recommend(workspaceId, [...reqs]).finally(() => this.batchDone()), {
        cache: false,
        maxBatchSize: 256,
        batchScheduleFn: (dispatch) => this.scheduleBatch(dispatch),
      });
      this.loaders.set(workspaceId, loader);
    }
    const result = await loader.load(req);
    if (result.error) throw result.error.code === "NOT_FOUND" ? new NotFoundError("Profile", req.profileId) : UserInputError.single(result.error.path.replace(/^requests\[\d+\]\./, ""), result.error.message.replace(/^[^:]*: /, ""));
    return result;
  }

  /** A profile's events, consent or merge changed: drop its cached state and answers (and those of ids merged into it). */
  invalidateProfile(workspaceId: string, profileId: string): void {
    const aliases = this.states.aliasesOf(workspaceId, profileId);
    this.states.invalidate(workspaceId, profileId);
    for (const id of [profileId, ...aliases]) this.cache.invalidateProfile(workspaceId, id);
  }

  private scheduleBatch(dispatch: () => void): void {
    if (this.batchesInFlight < MAX_BATCHES_IN_FLIGHT) return this.startBatch(dispatch);
    const waiting = {
      dispatch,
      timer: setTimeout(() => {
        const at = this.waitingBatches.indexOf(waiting);
        if (at < 0) return;
        this.waitingBatches.splice(at, 1);
        this.startBatch(dispatch);
      }, MAX_BATCH_WAIT_MS),
    };
    waiting.timer.unref();
    this.waitingBatches.push(waiting);
  }

  private startBatch(dispatch: () => void): void {
    this.batchesInFlight++;
    setImmediate(dispatch);
  }

  private batchDone(): void {
    this.batchesInFlight--;
    const next = this.waitingBatches.shift();
    if (!next) return;
    clearTimeout(next.timer);
    this.startBatch(next.dispatch);
  }

  /** Serving state per profile: from memory, else one history query and one consent query for all the missing ones. */
  private async profileStates(workspaceId: string, ids: string[], now: number, started: number): Promise<Map<string, ProfileState>> {
    const out = new Map<string, ProfileState>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = this.states.get(workspaceId, id);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (!missing.length) return out;
    const [{ exists, histories, survivorOf }, allowed] = await Promise.all([
      loadHistories(this.dataSource, workspaceId, missing, now),
      this.consent ? this.consent.allowed(workspaceId, missing, "personalization") : Promise.resolve(new Map(missing.map((id) => [id, true]))),
    ]);
    for (const id of missing) {
      const state: ProfileState = { exists: exists.has(id), survivor: survivorOf.get(id) ?? id, history: histories.get(id) ?? [], personalized: allowed.get(id) === true };
      out.set(id, state);
      // Unknown ids are not kept: they cost nothing to ask again and must not fill memory.
      if (state.exists) this.states.set(workspaceId, id, state, started);
    }
    return out;
  }

  /** Items like this one (ITEM_KNN, then CONTENT), or bought with it (BOUGHT_TOGETHER, then ITEM_KNN). */
  async relatedItems(workspaceId: string, itemId: string, n: number, filter: RecFilter | null, mode: "similar" | "together"): Promise<RecResult> {
    const problems = new ProblemCollector();
    if (!Number.isInteger(n) || n < 1 || n > MAX_N) problems.add("n", `must be an integer from 1 to ${MAX_N}`);
    checkFilter(filter, problems, "filter");
    problems.throwIfAny();
    const [models, catalog] = await Promise.all([this.activeModels(workspaceId), this.catalogs.get(workspaceId)]);
    if (!catalog.byId.has(itemId)) throw new NotFoundError("Item", itemId);
    const chain = mode === "together" ? ["BOUGHT_TOGETHER", "ITEM_KNN"] : ["ITEM_KNN", "CONTENT"];
    const history: HistoryEvent[] = [{ itemId, type: "context", at: this.clock.now().getTime() }];
    for (const kind of chain) {
      const model = models.get(kind);
      if (!model || !model.rt.itemIndex.has(itemId)) continue;
      const one = new Map([[kind === "BOUGHT_TOGETHER" ? "ITEM_KNN" : kind, model]]);
      const [answer] = await this.recommender.run([{ req: { profileId: itemId, n, strategy: kind === "BOUGHT_TOGETHER" ? "ITEM_KNN" : kind, filter, context: { itemId } }, strategy: kind === "BOUGHT_TOGETHER" ? "ITEM_KNN" : kind, history, personalized: true }], one, catalog, this.clock.now().getTime());
      const items = answer.items.filter((i) => i.strategy !== "POPULAR").map((i) => ({ ...i, strategy: kind, reason: relatedReason(mode, kind, catalog.byId.get(itemId)!.title) }));
      if (items.length) return { ...answer, profileId: "", strategy: kind, items, note: null, personalized: false };
    }
    return { profileId: "", strategy: "NONE", personalized: false, note: `no active ${chain.join(" or ")} model knows item ${itemId}`, items: [], modelVersionId: null, modelVersion: null };
  }

  /** The active recommender versions of a workspace, each loaded once (session from the registry). */
  async activeModels(workspaceId: string): Promise<Map<string, LoadedModel>> {
    const versions = await Promise.all(KINDS.map((kind) => this.registry.active(workspaceId, kind)));
    const out = new Map<string, LoadedModel>();
    await Promise.all(
      versions.map(async (v) => {
        if (!v) return;
        try {
          out.set(v.kind, await this.runtime(v));
        } catch (error) {
          this.logger.warn({ err: error, versionId: v.id }, "recommender model failed to load; skipping it");
        }
      }),
    );
    return out;
  }

  private runtime(v: ModelVersion): Promise<LoadedModel> {
    let hit = this.runtimes.get(v.id);
    if (!hit) {
      hit = (async () => {
        const [session, bytes] = await Promise.all([this.registry.session(v), this.registry.artifact(v)]);
        const rt = await RecRuntime.load(bytes, session);
        const weighting = (v.params.weighting as WeightingParams | undefined) ?? DEFAULT_WEIGHTING;
        return { rt, versionId: v.id, label: `${v.kind} v${v.version}`, kind: v.kind, weighting };
      })();
      this.runtimes.set(v.id, hit);
      hit.catch(() => this.runtimes.delete(v.id));
    }
    return hit;
  }

  /** Drops runtimes of versions that are no longer active (after an activation). */
  forgetVersion(versionId: string): void {
    this.runtimes.delete(versionId);
  }
}

function checkRequest(req: RecRequest, problems: ProblemCollector, path: string): void {
  if (!isUuid(req.profileId ?? "")) problems.add(`${path}.profileId`, "must be a profile id (UUID)");
  if (!Number.isInteger(req.n) || req.n < 1 || req.n > MAX_N) problems.add(`${path}.n`, `must be an integer from 1 to ${MAX_N}`);
  if (!(STRATEGIES as readonly string[]).includes(req.strategy ?? "AUTO")) problems.add(`${path}.strategy`, `must be one of ${STRATEGIES.join(", ")}`);
  checkFilter(req.filter, problems, `${path}.filter`);
  const d = req.diversity;
  if (d?.maxPerCategory != null && (!Number.isInteger(d.maxPerCategory) || d.maxPerCategory < 1)) problems.add(`${path}.diversity.maxPerCategory`, "must be a positive integer");
  if (d?.mmrLambda != null && !(d.mmrLambda > 0 && d.mmrLambda <= 1)) problems.add(`${path}.diversity.mmrLambda`, "must be in (0, 1]");
}

function errorResult(profileId: string, error: DomainError, path: string): RecResult {
  return { profileId, strategy: "NONE", personalized: false, note: null, items: [], modelVersionId: null, modelVersion: null, error: { code: error.code, message: error.message, path } };
}

// The item on screen counts as a fresh, strong interaction.
function withContext(history: HistoryEvent[], req: RecRequest, now: number): HistoryEvent[] {
  return req.context?.itemId ? [...history, { itemId: req.context.itemId, type: "context", at: now }] : history;
}

function relatedReason(mode: "similar" | "together", kind: string, title: string): string {
  if (mode === "together") return `often bought together with ${title}`;
  return kind === "CONTENT" ? `similar to ${title}` : `people who viewed ${title} also viewed this`;
}
