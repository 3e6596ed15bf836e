import type { Liquid, Template } from "liquidjs";
import { RecommendationsTag, recommendationKey, type RecommendationRequest } from "./liquid-engine";

/** A data source a template may reference; each is loaded for a whole batch only when referenced. */
export type RenderSource = "profile" | "consent" | "segments" | "predictions" | "recommendations" | "recentlyViewed" | "cart" | "experiments";

/** Root variables Kindred provides, and which source loads each (null: no load needed). */
export const ROOT_VARIABLES: Record<string, RenderSource | null> = {
  profile: "profile",
  traits: "profile",
  computed: "profile",
  consent: "consent",
  segments: "segments",
  predictions: "predictions",
  recently_viewed: "recentlyViewed",
  cart: "cart",
  experiment: "experiments",
  context: null,
  campaign: null,
  template: null,
};

/** Where a problem is in a Liquid source. */
export interface SourceProblem {
  line: number;
  col: number;
  message: string;
}

/** What a template needs at render time. */
export interface TemplateNeeds {
  sources: Set<RenderSource>;
  recommendations: RecommendationRequest[];
  unknown: SourceProblem[];
}

/** Finds every `{% recommendations %}` tag in a parsed template tree (any nesting). */
export function findRecommendationTags(templates: Template[]): RecommendationRequest[] {
  const found = new Map<string, RecommendationRequest>();
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (node instanceof RecommendationsTag) found.set(recommendationKey(node.request), node.request);
    if (Array.isArray(node)) return node.forEach(visit);
    for (const [key, value] of Object.entries(node)) if (key !== "liquid" && key !== "token" && key !== "tokenizer") visit(value);
  };
  visit(templates);
  return [...found.values()];
}

/**
 * Which sources a parsed template references and which of its variables are unknown.
 * Top-level names other than Kindred's roots are profile traits (flattened) and must be
 * documented in the template's sample data.
 */
export function analyzeTemplate(liquid: Liquid, templates: Template[], knownTraits: ReadonlySet<string>): TemplateNeeds {
  const analysis = liquid.analyzeSync(templates, { partials: false });
  const sources = new Set<RenderSource>();
  const unknown: SourceProblem[] = [];
  for (const [name, uses] of Object.entries(analysis.globals)) {
    if (name in ROOT_VARIABLES) {
      const source = ROOT_VARIABLES[name];
      if (source) sources.add(source);
    } else if (knownTraits.has(name)) {
      sources.add("profile");
    } else {
      const at = uses[0]?.location;
      unknown.push({ line: at?.row ?? 0, col: at?.col ?? 0, message: `unknown variable "${name}": use profile.${name}, a Kindred root (${Object.keys(ROOT_VARIABLES).join(", ")}) or document it in sampleData.profile` });
    }
  }
  const recommendations = findRecommendationTags(templates);
  if (recommendations.length) sources.add("recommendations");
  return { sources, recommendations, unknown };
}

/** The position LiquidJS puts in its error messages ("…, line:3, col:7"). */
export function liquidErrorPosition(error: unknown): SourceProblem {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split("\n")[0];
  const match = /, line:(\d+), col:(\d+)$/.exec(first);
  return match ? { line: Number(match[1]), col: Number(match[2]), message: first.slice(0, match.index) } : { line: 0, col: 0, message: first };
}
