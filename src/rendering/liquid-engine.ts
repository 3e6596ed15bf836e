import { Context, Hash, Liquid, Tag, Tokenizer, TokenKind, toValueSync, evalToken, type TagToken, type TopLevelToken } from "liquidjs";

type IdentifierToken = ReturnType<Tokenizer["readIdentifier"]>;
/** What LiquidJS binds `this` to inside a filter. */
type FilterThis = { context: Context };
import { formatDate, formatMoney, isTimeZone, toInstant } from "./liquid-filters";

/** Where a render keeps its per-recipient state (not reachable from templates: a symbol key). */
export const RENDER_STATE = Symbol("kindred.render");

/** A catalog item as templates see it. */
export interface TemplateItem {
  id: string;
  title: string;
  url: string | null;
  image_url: string | null;
  price: number | null;
  currency: string | null;
  category: string | null;
  brand: string | null;
  score?: number;
}

/** Per-recipient state the Kindred tags and filters read during one render. */
export interface RenderState {
  timeZone: string;
  locale: string;
  /** The render's clock (one instant per batch). */
  now?: () => Date;
  currency: string;
  /** Prefetched recommendations per `recommendations` tag (key: recommendationKey). */
  recommendations: Map<string, TemplateItem[]>;
  /** Rewrites a link into a signed click-tracking URL (absent in previews without tracking). */
  trackLink?: (url: string) => string;
  /** The same URL in two pieces, `prefix() + suffix(url)`, both reused across links and recipients. */
  links?: { prefix: () => string; suffix: (url: string) => string };
  openPixel?: () => string;
}

/** The arguments of one `{% recommendations %}` tag, known at compile time. */
export interface RecommendationRequest {
  strategy: string;
  n: number;
  category: string | null;
  brand: string | null;
}

export const RECOMMENDATION_KEYS = ["strategy", "n", "category", "brand"];
export const MAX_RECOMMENDATIONS = 24;

export function recommendationKey(r: RecommendationRequest): string {
  return `${r.strategy}|${r.n}|${r.category ?? ""}|${r.brand ?? ""}`;
}

const LITERAL_CONTEXT = new Context();

/** `{% recommendations strategy: 'AUTO', n: 4, category: 'Shoes' as recs %}`: reads the batch's prefetched list. */
class RecommendationsTag extends Tag {
  readonly request: RecommendationRequest;
  private readonly variable: IdentifierToken;

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    const match = /^(.*?)\s+as\s+([A-Za-z_][\w]*)\s*$/s.exec(token.args);
    if (!match) throw new Error(`recommendations: expected "… as <variable>", got "${token.args}"`);
    this.variable = new Tokenizer(match[2]).readIdentifier();
    const values: Record<string, unknown> = {};
    const hash = new Hash(match[1]);
    for (const [key, value] of Object.entries(hash.hash)) {
      if (!RECOMMENDATION_KEYS.includes(key)) throw new Error(`recommendations: unknown argument "${key}" (allowed: ${RECOMMENDATION_KEYS.join(", ")})`);
      // arguments are literals so a whole batch can be prefetched before any recipient renders
      if (!value || ![TokenKind.Quoted, TokenKind.Number, TokenKind.Literal].includes(value.kind)) throw new Error(`recommendations: argument "${key}" must be a literal string or number`);
      values[key] = toValueSync(evalToken(value, LITERAL_CONTEXT));
    }
    const n = values.n === undefined ? 4 : Number(values.n);
    if (!Number.isInteger(n) || n < 1 || n > MAX_RECOMMENDATIONS) throw new Error(`recommendations: n must be an integer from 1 to ${MAX_RECOMMENDATIONS}`);
    this.request = {
      strategy: String(values.strategy ?? "AUTO").toUpperCase(),
      n,
      category: values.category === undefined || values.category === null ? null : String(values.category),
      brand: values.brand === undefined || values.brand === null ? null : String(values.brand),
    };
  }

  render(ctx: Context): void {
    const state = (ctx.environments as Record<symbol, RenderState | undefined>)[RENDER_STATE];
    ctx.bottom()[this.variable.content] = state?.recommendations.get(recommendationKey(this.request)) ?? [];
  }

  *localScope(): Iterable<IdentifierToken> {
    yield this.variable;
  }
}

function stateOf(options: FilterThis): RenderState | undefined {
  return (options.context.environments as Record<symbol, RenderState | undefined>)[RENDER_STATE];
}

/** Limits that bound one render (CPU time, allocation) and one parse. */
export interface SandboxLimits {
  renderMs: number;
  memoryBytes: number;
  parseBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { renderMs: 250, memoryBytes: 32 * 1024 * 1024, parseBytes: 2 * 1024 * 1024 };

/**
 * A sandboxed LiquidJS: no file system (in-memory, empty template map; include/render/layout removed),
 * own properties only, strict filters, time and memory limits. `escape` selects HTML output escaping.
 */
export function createLiquid(escape: boolean, limits: SandboxLimits = DEFAULT_LIMITS): Liquid {
  const liquid = new Liquid({
    templates: {},
    outputEscape: escape ? "escape" : undefined,
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    lenientIf: true,
    cache: false,
    renderLimit: limits.renderMs,
    memoryLimit: limits.memoryBytes,
    parseLimit: limits.parseBytes,
  });
  for (const tag of ["include", "render", "layout", "block"]) delete (liquid.tags as Record<string, unknown>)[tag];
  liquid.registerTag("recommendations", RecommendationsTag);
  liquid.registerFilter("date", function (this: FilterThis, value: unknown, format?: unknown, zone?: unknown) {
    // dates print in the recipient's time zone unless the template names one
    const state = stateOf(this);
    const at = toInstant(value, state?.now);
    if (!at) return value;
    const timeZone = typeof zone === "string" && isTimeZone(zone) ? zone : state?.timeZone ?? "UTC";
    return formatDate(at, typeof format === "string" ? format : "%a, %b %d, %y", timeZone);
  });
  liquid.registerFilter("money", function (this: FilterThis, amount: unknown, currency?: unknown) {
    const state = stateOf(this);
    return formatMoney(amount, typeof currency === "string" ? currency : state?.currency ?? "USD", state?.locale ?? "en-US");
  });
  liquid.registerFilter("track_link", function (this: FilterThis, url: unknown) {
    const text = url === null || url === undefined ? "" : String(url);
    const track = stateOf(this)?.trackLink;
    return track && /^https?:\/\//i.test(text) ? track(text) : text;
  });
  liquid.registerFilter("track_open", function (this: FilterThis) {
    return stateOf(this)?.openPixel?.() ?? "";
  });
  return liquid;
}

/** The tag class, for analysis of which recommendation lists a template asks for. */
export { RecommendationsTag };
