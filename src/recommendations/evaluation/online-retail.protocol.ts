import { createReadStream } from "node:fs";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import type { EvalOptions } from "../../cli/eval-protocols";
import { buildMatrix, rowOf, type InteractionRow, type WeightingParams } from "../algorithms/interactions";
import { popularity } from "../algorithms/popularity";
import type { ContentItem } from "../algorithms/tfidf";
import { buildAls, buildContent, buildEase, buildKnn, buildPopular, type BuiltModel } from "../trainers/build-models";
import { RecRuntime } from "../serving/rec-runtime";
import { DEFAULT_HYBRID } from "../serving/hybrid";
import { Recommender, type LoadedModel } from "../serving/recommender";
import type { CatalogEntry } from "../serving/catalog-snapshot";
import type { HistoryEvent } from "../serving/filters";
import { evaluateLists, round, table, topLists } from "./harness";

/** One kept purchase line. */
interface Purchase {
  customer: string;
  stockCode: string;
  description: string;
  invoice: string;
  at: number;
}

const DAY = 86_400_000;
const utc = (text: string) => Date.UTC(+text.slice(0, 4), +text.slice(5, 7) - 1, +text.slice(8, 10), +text.slice(11, 13), +text.slice(14, 16), +text.slice(17, 19));

/** Purchases with a customer, Quantity > 0, UnitPrice > 0, invoice not starting with "C". */
export async function loadPurchases(dir: string): Promise<Purchase[]> {
  const out: Purchase[] = [];
  const parser = createReadStream(join(dir, "online_retail.csv.gz")).pipe(createGunzip()).pipe(parse({ columns: true, relax_quotes: true }));
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    if (!row.CustomerID || row.InvoiceNo.startsWith("C") || !(Number(row.Quantity) > 0) || !(Number(row.UnitPrice) > 0)) continue;
    out.push({ customer: row.CustomerID, stockCode: row.StockCode, description: row.Description ?? "", invoice: row.InvoiceNo, at: utc(row.InvoiceDate) });
  }
  return out;
}

/** The weighting the retail models use: one unit per invoice line, 60-day half-life. */
export const RETAIL_WEIGHTING: WeightingParams = { eventWeights: { purchase: 1 }, defaultWeight: 1, halfLifeDays: 60 };

export const RETAIL_PARAMS = {
  als: { factors: 64, iterations: 10, regularization: 50, alpha: 8, cgSteps: 3 },
  ease: { lambda: 250, binary: true },
  knn: { neighbors: 100, alpha: 0.5, shrink: 10, popularityPenalty: 0, binary: true },
  content: { termsPerItem: 32 },
  hybrid: DEFAULT_HYBRID,
};

/** recs-online-retail: Recall@20, nDCG@20, P@20, hit rate@20 for every model, AUTO and both baselines. */
export async function runOnlineRetail(o: EvalOptions): Promise<Record<string, unknown>> {
  const K = 20;
  const cutoff = Date.UTC(2011, 10, 1);
  const testEnd = Date.UTC(2011, 11, 1);
  const purchases = await loadPurchases(o.dataset);
  const train = purchases.filter((p) => p.at < cutoff);
  // One row per invoice line (an invoice repeating a code counts once).
  const seen = new Set<string>();
  const rows: InteractionRow[] = [];
  for (const p of train) {
    const key = `${p.invoice}|${p.stockCode}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ userId: p.customer, itemId: p.stockCode, type: "purchase", at: p.at });
  }
  const m = buildMatrix(rows, cutoff, RETAIL_WEIGHTING);
  const userIndex = new Map(m.userIds.map((u, i) => [u, i]));
  const itemIndex = new Map(m.itemIds.map((it, i) => [it, i]));
  const testSets = new Map<number, Set<number>>();
  let unseen = 0;
  const unseenCode = new Map<string, number>();
  for (const p of purchases) {
    if (p.at < cutoff || p.at >= testEnd) continue;
    const u = userIndex.get(p.customer);
    if (u === undefined) continue;
    const set = testSets.get(u) ?? new Set<number>();
    let i = itemIndex.get(p.stockCode);
    if (i === undefined) {
      if (!unseenCode.has(p.stockCode)) unseenCode.set(p.stockCode, -1 - unseen++);
      i = unseenCode.get(p.stockCode)!;
    }
    set.add(i);
    testSets.set(u, set);
  }
  const users = [...testSets.keys()];
  o.log(`train: ${rows.length} invoice lines, ${m.userIds.length} customers, ${m.itemIds.length} stock codes; test: ${users.length} customers`);
  const descriptions = new Map<string, string>();
  for (const p of train) if (!descriptions.has(p.stockCode)) descriptions.set(p.stockCode, p.description);
  const catalog: ContentItem[] = m.itemIds.map((id) => ({ id, title: descriptions.get(id) ?? id }));

  const timings: Record<string, number> = {};
  const timed = async (name: string, build: () => BuiltModel | Promise<BuiltModel>) => {
    const t = Date.now();
    const built = await build();
    timings[`${name}_train_s`] = (Date.now() - t) / 1000;
    o.log(`  trained ${name} in ${timings[`${name}_train_s`]}s`);
    return built;
  };
  const last30 = popularity(rows.filter((r) => r.at >= cutoff - 30 * DAY), m.itemIds, cutoff, { eventWeights: { purchase: 1 }, defaultWeight: 1, halfLifeDays: 0 });
  const models: Record<string, BuiltModel> = {
    POPULAR_30D: buildPopular(m.itemIds, last30, { window_days: 30 }),
    POPULAR: buildPopular(m.itemIds, popularity(rows, m.itemIds, cutoff, { ...RETAIL_WEIGHTING, halfLifeDays: 14 }), { half_life_days: 14 }),
    ALS: await timed("als", () => buildAls(m, RETAIL_PARAMS.als)),
    EASE: await timed("ease", () => buildEase(m, RETAIL_PARAMS.ease, 20_000)),
    ITEM_KNN: await timed("item_knn", () => buildKnn(m, RETAIL_PARAMS.knn)),
    CONTENT: await timed("content", () => buildContent(catalog, RETAIL_PARAMS.content)),
  };
  const results: Record<string, Record<string, number>> = {};
  const record = (name: string, ranked: Map<number, ArrayLike<number>>) => {
    const r = evaluateLists(ranked, testSets, K, m.itemIds.length);
    results[name] = { recall_at_20: r.recall, ndcg_at_20: r.ndcg, precision_at_20: r.precision, hit_rate_at_20: r.hit, coverage: r.coverage };
    o.log(`  ${name.padEnd(16)} R@20 ${r.recall.toFixed(4)}  nDCG@20 ${r.ndcg.toFixed(4)}  hit ${r.hit.toFixed(4)}`);
  };
  for (const [name, built] of Object.entries(models)) {
    const rt = await RecRuntime.load(built.onnx);
    // Candidates keep the customer's past items: repeat purchase is common in this shop.
    const top = await topLists(rt, m, users, K, false);
    record(name, new Map(users.map((u, i) => [u, top[i].indices])));
    await rt.session.release();
  }
  // Baseline: each customer's own most-bought items (count of invoice lines, no decay).
  const counts = buildMatrix(rows, cutoff, { ...RETAIL_WEIGHTING, halfLifeDays: 0 }, m.itemIds);
  const countIndex = new Map(counts.userIds.map((u, i) => [u, i]));
  const own = users.map((u) => {
    const row = rowOf(counts, countIndex.get(m.userIds[u])!);
    return Array.from(row.items, (it, j) => [it, row.values[j]] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([it]) => it);
  });
  record("OWN_MOST_BOUGHT", new Map(users.map((u, i) => [u, own[i].slice(0, K)])));
  // AUTO: the serving code itself (Recommender: active ALS + CONTENT + POPULAR, the customer's own purchases), no filters.
  const runtimes = new Map<string, LoadedModel>();
  for (const kind of ["ALS", "CONTENT", "POPULAR"]) {
    runtimes.set(kind, { rt: await RecRuntime.load(models[kind].onnx), versionId: kind, label: `${kind} eval`, kind, weighting: RETAIL_WEIGHTING });
  }
  const byId = new Map<string, CatalogEntry>(catalog.map((c) => [c.id, { id: c.id, title: c.title, category: null, categoryPath: [], brand: null, price: null, available: true }]));
  const histories = new Map<string, HistoryEvent[]>();
  for (const r of rows) {
    const list = histories.get(r.userId) ?? [];
    list.push({ itemId: r.itemId, type: "purchase", at: r.at });
    histories.set(r.userId, list);
  }
  const recommender = new Recommender();
  const auto: number[][] = [];
  for (let s = 0; s < users.length; s += 256) {
    const chunk = users.slice(s, s + 256);
    const answers = await recommender.run(
      chunk.map((u) => ({ req: { profileId: m.userIds[u], n: K, strategy: "AUTO" }, strategy: "AUTO", history: histories.get(m.userIds[u]) ?? [], personalized: true })),
      runtimes,
      { byId, version: 1 },
      cutoff,
    );
    for (const a of answers) auto.push(a.items.map((i) => itemIndex.get(i.itemId)!));
  }
  for (const model of runtimes.values()) await model.rt.session.release();
  record("AUTO", new Map(users.map((u, i) => [u, auto[i]])));
  const models20 = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, round(v)]));
  o.log("");
  for (const line of table(models20, ["recall_at_20", "ndcg_at_20", "precision_at_20", "hit_rate_at_20"])) o.log(line);
  const beats = (a: string, b: string) => models20[a].recall_at_20 > models20[b].recall_at_20 && models20[a].ndcg_at_20 > models20[b].ndcg_at_20;
  return {
    test_customers: users.length,
    params: RETAIL_PARAMS,
    models: models20,
    baselines: ["POPULAR_30D", "OWN_MOST_BOUGHT"],
    auto_beats_baselines: beats("AUTO", "POPULAR_30D") && beats("AUTO", "OWN_MOST_BOUGHT"),
    timings: round(timings, 2),
  };
}
