import mjml2html from "mjml";
import type { Liquid, Template } from "liquidjs";
import { ProblemCollector } from "../common/errors";
import type { RecommendationRequest } from "./liquid-engine";
import { compactHtml } from "./compact-html";
import { htmlToText } from "./html-to-text";
import { compileFast, compileFastJson, type FastJsonTemplate, type FastTemplate } from "./fast-render";
import { addOpenPixel, rewriteLinks } from "./link-tracking";
import { analyzeTemplate, liquidErrorPosition, type RenderSource } from "./template-analysis";

/** The source of one renderable part set (default, a locale, or the fallback). */
export interface PartSource {
  mjml: string;
  subject: string;
  preheader: string;
}

/** A part set compiled once: MJML → HTML (Liquid intact), everything parsed (and closure-compiled when possible). */
export interface CompiledPart {
  html: Template[];
  text: Template[];
  subject: Template[];
  preheader: Template[];
  fast: { html: FastTemplate | null; text: FastTemplate | null; subject: FastTemplate | null; preheader: FastTemplate | null; htmlJson: FastJsonTemplate | null; textJson: FastJsonTemplate | null };
}

/** Engines: HTML output escapes, text output does not. */
export interface Engines {
  html: Liquid;
  text: Liquid;
}

const BLOCK_INCLUDE = /\{%-?\s*content_block\s+(['"])([\w.-]+)\1\s*-?%\}/g;

/** Names of the content blocks a body includes. */
export function includedBlocks(mjml: string): string[] {
  return [...new Set([...mjml.matchAll(BLOCK_INCLUDE)].map((m) => m[2]))];
}

/** Inlines content blocks; bodies are flattened to one line so template line numbers stay exact. */
export function expandBlocks(mjml: string, blocks: ReadonlyMap<string, string>, problems: ProblemCollector | null, path: string): string {
  return mjml.replace(BLOCK_INCLUDE, (_all, _q, name: string, offset: number) => {
    const body = blocks.get(name);
    if (body === undefined) {
      problems?.add(path, `line ${mjml.slice(0, offset).split("\n").length}: unknown content block "${name}"`);
      return "";
    }
    return body.replace(/\r?\n\s*/g, " ");
  });
}

/** Compiles MJML strictly; returns null (and records each error with its line) when invalid. */
export async function compileMjml(mjml: string, problems: ProblemCollector, path: string): Promise<string | null> {
  try {
    const result = await mjml2html(mjml, { validationLevel: "strict", minify: false, keepComments: false } as never);
    for (const error of result.errors ?? []) problems.add(path, `line ${error.line}: ${error.message}`);
    return result.errors?.length ? null : result.html;
  } catch (error) {
    const details = (error as { errors?: { line: number; message: string }[] }).errors;
    if (details?.length) for (const e of details) problems.add(path, `line ${e.line}: ${e.message}`);
    else problems.add(path, `invalid MJML: ${(error as Error).message.split("\n")[0]}`);
    return null;
  }
}

function parseLiquid(liquid: Liquid, source: string, problems: ProblemCollector, path: string): Template[] | null {
  try {
    return liquid.parse(source);
  } catch (error) {
    const at = liquidErrorPosition(error);
    problems.add(path, `line ${at.line}, column ${at.col}: ${at.message}`);
    return null;
  }
}

/** Result of compiling one part set: the parts, plus what they reference. */
export interface PartCompilation {
  part: CompiledPart;
  sources: Set<RenderSource>;
  recommendations: RecommendationRequest[];
}

/**
 * Validates and compiles one part set, recording every problem under `path`. Liquid is checked
 * on the source (exact lines and columns) before MJML compiles; the compiled HTML is then
 * link-rewritten, converted to text and parsed once.
 */
export async function compilePart(engines: Engines, source: PartSource, blocks: ReadonlyMap<string, string>, knownTraits: ReadonlySet<string>, problems: ProblemCollector, path: string): Promise<PartCompilation | null> {
  const before = problems.problems.length;
  const expanded = expandBlocks(source.mjml, blocks, problems, `${path}.mjml`);
  const checks: [string, string][] = [["mjml", expanded], ["subject", source.subject], ["preheader", source.preheader]];
  const parsed: Record<string, Template[] | null> = {};
  const sources = new Set<RenderSource>();
  const recommendations: RecommendationRequest[] = [];
  for (const [field, text] of checks) {
    const templates = parseLiquid(engines.html, text, problems, `${path}.${field}`);
    parsed[field] = templates;
    if (!templates) continue;
    const needs = analyzeTemplate(engines.html, templates, knownTraits);
    for (const u of needs.unknown) problems.add(`${path}.${field}`, `line ${u.line}, column ${u.col}: ${u.message}`);
    needs.sources.forEach((s) => sources.add(s));
    recommendations.push(...needs.recommendations);
  }
  const compiled = parsed.mjml ? await compileMjml(expanded, problems, `${path}.mjml`) : null;
  if (problems.problems.length > before || !compiled || !parsed.subject || !parsed.preheader) return null;
  const html = addOpenPixel(rewriteLinks(compactHtml(compiled)));
  const htmlTemplates = parseLiquid(engines.html, html, problems, `${path}.mjml`);
  const textTemplates = parseLiquid(engines.text, htmlToText(rewriteLinks(compiled)), problems, `${path}.mjml`);
  if (!htmlTemplates || !textTemplates) {
    problems.add(`${path}.mjml`, "Liquid did not survive MJML compilation: wrap block tags between sections in <mj-raw>");
    return null;
  }
  const subject = engines.text.parse(source.subject);
  const preheader = engines.text.parse(source.preheader);
  const fast = {
    html: compileFast(engines.html, htmlTemplates),
    text: compileFast(engines.text, textTemplates),
    subject: compileFast(engines.text, subject),
    preheader: compileFast(engines.text, preheader),
    htmlJson: compileFastJson(engines.html, htmlTemplates),
    textJson: compileFastJson(engines.text, textTemplates),
  };
  return {
    part: { html: htmlTemplates, text: textTemplates, subject, preheader, fast },
    sources,
    recommendations: dedupe(recommendations),
  };
}

function dedupe(requests: RecommendationRequest[]): RecommendationRequest[] {
  const seen = new Map<string, RecommendationRequest>();
  for (const r of requests) seen.set(`${r.strategy}|${r.n}|${r.category}|${r.brand}`, r);
  return [...seen.values()];
}
