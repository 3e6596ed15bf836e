import type { DataSource } from "typeorm";
import type { RecommendationRequest, TemplateItem } from "../liquid-engine";
import type { RenderSource } from "../template-analysis";
import type { ServiceLookup } from "./ports";

/** What an adapter loads for: one workspace, a batch of (consenting) profiles, the template's asks. */
export interface LoadRequest {
  workspaceId: string;
  profileIds: string[];
  recommendations: RecommendationRequest[];
  templateId: string;
  campaignId: string | null;
  /** The batch's profiles by id (already loaded), for sources that can answer from them. */
  profiles?: ReadonlyMap<string, { computed: Record<string, unknown> }>;
}

/** Recommendations one profile got for one tag, with what produced them. */
export interface RecommendationUse {
  key: string;
  strategy: string;
  modelVersion: string | null;
  itemIds: string[];
}

/** Per-profile values every adapter contributes to (each fills only its own field). */
export interface ProfileData {
  segments?: string[];
  predictions?: Record<string, unknown>;
  recommendations?: Map<string, TemplateItem[]>;
  recommendationUses?: RecommendationUse[];
  recentlyViewed?: TemplateItem[];
  cart?: { items: TemplateItem[]; total: number };
  assignment?: { experimentId: string; variantKey: string; holdout: boolean; overrides: VariantOverrides };
}

/** What an experiment arm changes in a render: the subject, content blocks by slot, or the whole template version. */
export interface VariantOverrides {
  subject?: string;
  /** Block slot (the name in `{% content_block 'name' %}`) → MJML body, or the id of a content block or block version. */
  blocks?: Record<string, string>;
  templateVersionId?: string;
}

/** Loads one source for a whole batch in a few set-based calls. */
export interface SourceAdapter {
  source: RenderSource;
  /** The module that provides it, for "unavailable" messages. */
  provider: string;
  available(): boolean;
  load(request: LoadRequest, into: Map<string, ProfileData>): Promise<void>;
}

export interface AdapterDeps {
  dataSource: DataSource;
  lookup: ServiceLookup;
}

export function slot(into: Map<string, ProfileData>, id: string): ProfileData {
  let data = into.get(id);
  if (!data) into.set(id, (data = {}));
  return data;
}

interface ItemRow {
  id: string;
  title: string;
  url: string | null;
  image_url: string | null;
  price: string | null;
  currency: string | null;
  category: string | null;
  brand: string | null;
}

/** Loads catalog items by id in one query, as templates see them. */
export async function loadItems(dataSource: DataSource, workspaceId: string, ids: Iterable<string>): Promise<Map<string, TemplateItem>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows: ItemRow[] = await dataSource.query(
    `SELECT id, title, url, image_url, price, currency, category, brand FROM items WHERE workspace_id = $1 AND id = ANY($2)`,
    [workspaceId, unique],
  );
  return new Map(rows.map((r) => [r.id, { id: r.id, title: r.title, url: r.url, image_url: r.image_url, price: r.price === null ? null : Number(r.price), currency: r.currency, category: r.category, brand: r.brand }]));
}
