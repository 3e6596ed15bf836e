import type { DataSource } from "typeorm";
import { MODEL_REGISTRY, MODEL_TRAINERS } from "../../src/models/models.module";
import { runTraining } from "../../src/models/train-job";
import type { TestApp } from "../support/test-app";

export const CATEGORIES = ["Shoes", "Hats", "Socks"];
export const DAY = 86_400_000;
export const PREFIX: Record<string, string> = { Shoes: "s", Hats: "h", Socks: "k" };

/** 4 items per category (s1…, h1…, k1…), prices 10·index; s4 is out of stock; n1 is new (no events). */
export async function seedCatalog(ds: DataSource, ws: string): Promise<void> {
  const rows: unknown[][] = [];
  CATEGORIES.forEach((cat, c) => {
    for (let i = 1; i <= 4; i++) {
      const id = `${PREFIX[cat]}${i}`;
      rows.push([ws, id, `${cat === "Socks" ? "Wool" : "Trail"} ${cat.toLowerCase()} model ${i}`, `A ${cat.toLowerCase()} for walking`, cat, `Brand${c}`, 10 * i + c, id !== "s4"]);
    }
  });
  rows.push([ws, "n1", "Trail shoes new edition", "Brand new trail shoes", "Shoes", "Brand0", 55, true]);
  for (const r of rows) {
    await ds.query(`INSERT INTO items (workspace_id, id, title, description, category, category_path, brand, price, available) VALUES ($1, $2, $3, $4, $5, ARRAY[$5], $6, $7, $8)`, [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]);
  }
}

export async function createProfile(ds: DataSource, ws: string): Promise<string> {
  const [row] = await ds.query(`INSERT INTO profiles (workspace_id, first_seen_at, last_seen_at) VALUES ($1, now(), now()) RETURNING id::text`, [ws]);
  return row.id;
}

let counter = 0;
export async function addEvent(ds: DataSource, ws: string, profileId: string, type: string, itemIds: string[], daysAgo = 1): Promise<void> {
  await ds.query(`INSERT INTO events (workspace_id, message_id, type, occurred_at, profile_id, item_ids) VALUES ($1, $2, $3, $4, $5, $6)`, [ws, `fx-${counter++}-${Date.now()}`, type, new Date(Date.now() - daysAgo * DAY), profileId, itemIds]);
}

/** 36 people in three taste groups: each views items 1–3 of their category and buys one of them. */
export async function seedPeople(ds: DataSource, ws: string): Promise<Record<string, string[]>> {
  const groups: Record<string, string[]> = { Shoes: [], Hats: [], Socks: [] };
  for (let u = 0; u < 36; u++) {
    const cat = CATEGORIES[u % 3];
    const p = await createProfile(ds, ws);
    groups[cat].push(p);
    const letter = PREFIX[cat];
    for (let i = 1; i <= 3; i++) if ((u + i) % 4 !== 0) await addEvent(ds, ws, p, "product_view", [`${letter}${i}`], 3 + i);
    await addEvent(ds, ws, p, "purchase", [`${letter}${(u % 3) + 1}`], 2);
  }
  return groups;
}

/** Trains and activates every recommender kind, as the training job does. */
export async function trainAll(t: TestApp, ws: string, kinds = ["ALS", "EASE", "ITEM_KNN", "BOUGHT_TOGETHER", "CONTENT", "POPULAR"]): Promise<Record<string, string>> {
  const r = t.app.runtime.registry;
  const deps = { registry: r.get(MODEL_REGISTRY), trainers: r.get(MODEL_TRAINERS), dataSource: t.app.runtime.kernel.dataSource, logger: t.app.runtime.kernel.logger, clock: t.app.runtime.kernel.clock };
  const ids: Record<string, string> = {};
  for (const kind of kinds) {
    const params = kind === "ALS" ? { factors: 8, iterations: 8, regularization: 0.5, alpha: 5, holdoutDays: 3 } : { holdoutDays: 3 };
    const v = await runTraining(deps, ws, { kind, params, activate: true, by: "test" }, { jobId: null, progress: async () => undefined, signal: new AbortController().signal });
    ids[kind] = v.id;
  }
  return ids;
}
