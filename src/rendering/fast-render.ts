import { Context, isTruthy, toValue, toValueSync, TypeGuards, type Liquid, type Template } from "liquidjs";
import { jsonStringContent, oneByte, PreEncodedString } from "../common/pre-encoded-json";
import { RENDER_STATE, RecommendationsTag, type RenderState } from "./liquid-engine";

// A compiler from a parsed LiquidJS template to plain closures for the subset email templates use
// (text, outputs with filters, if/unless, for, assign, capture, comment, raw, recommendations).
// It reuses LiquidJS's own Context (scopes, property reads, limits), operators and filter functions,
// and skips only the generator machinery that dominates a render's cost. Anything outside the
// subset makes `compileFast` return null, and the caller renders with LiquidJS itself.

/* eslint-disable @typescript-eslint/no-explicit-any -- LiquidJS's template internals are untyped */
type Eval = (ctx: Context) => unknown;
/** Output pieces; in JSON mode `chars` counts the plain characters the encoded pieces stand for. */
interface Out {
  parts: string[];
  chars: number;
}
type Emit = (ctx: Context, out: Out) => void;

class Unsupported extends Error {}
const unsupported = (what: string): never => {
  throw new Unsupported(what);
};

function stringify(value: unknown): string {
  const v = toValue(value);
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map(stringify).join("");
  return String(v);
}

// a few LiquidJS filters are generators: run them to completion
const settle = (v: unknown): unknown => (v && typeof (v as Iterator<unknown>).next === "function" && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function" ? toValueSync(v as never) : v);

function compileToken(token: any, liquid: Liquid): Eval {
  if (!token) return () => undefined;
  if ("content" in token) {
    const constant = typeof token.content === "string" ? oneByte(token.content) : token.content;
    return () => constant;
  }
  if (TypeGuards.isPropertyAccessToken(token)) {
    const props = (token as any).props.map((p: any) => compileToken(p, liquid));
    const variable = (token as any).variable ? compileToken((token as any).variable, liquid) : null;
    // the usual `profile.first_name`: every key is known at compile time
    if ((token as any).props.every((p: any) => "content" in p)) {
      const keys: unknown[] = (token as any).props.map((p: any) => toValue(p.content));
      return (ctx: any) => {
        let scope = variable ? variable(ctx) : ctx.findScope(keys[0]);
        for (const key of keys) scope = ctx.readProperty(scope, key);
        return scope;
      };
    }
    return (ctx: any) => {
      const keys = props.map((p: Eval) => toValue(p(ctx)));
      let scope = variable ? variable(ctx) : ctx.findScope(keys[0]);
      for (const key of keys) scope = ctx.readProperty(scope, key);
      return scope;
    };
  }
  if (TypeGuards.isRangeToken(token)) {
    const lhs = compileToken((token as any).lhs, liquid);
    const rhs = compileToken((token as any).rhs, liquid);
    return (ctx) => {
      const low = Number(toValue(lhs(ctx)));
      const high = Number(toValue(rhs(ctx)));
      ctx.memoryLimit.use(high - low + 1);
      const out: number[] = [];
      for (let i = low; i < high + 1; i++) out.push(i);
      return out;
    };
  }
  return unsupported(`token kind ${token.kind}`);
}

function compileExpression(expression: any, liquid: Liquid): Eval {
  const steps: ({ op: string; unary: boolean } | Eval)[] = expression.postfix.map((token: any) => {
    if (TypeGuards.isOperatorToken(token)) return { op: token.operator, unary: token.operator === "not" };
    return compileToken(token, liquid);
  });
  if (steps.length === 1 && typeof steps[0] === "function") return steps[0];
  return (ctx) => {
    const operands: unknown[] = [];
    const operators = ctx.opts.operators as Record<string, (...args: unknown[]) => unknown>;
    for (const step of steps) {
      if (typeof step === "function") operands.push(step(ctx));
      else if (step.unary) operands.push(settle(operators[step.op](operands.pop(), ctx)));
      else {
        const r = operands.pop();
        const l = operands.pop();
        operands.push(settle(operators[step.op](l, r, ctx)));
      }
    }
    return operands[0];
  };
}

function compileValue(value: any, liquid: Liquid): Eval {
  const initial = compileExpression(value.initial, liquid);
  const filters = value.filters.map((filter: any) => {
    const args = filter.args.map((arg: any) => (Array.isArray(arg) ? { key: arg[0], value: compileToken(arg[1], liquid) } : compileToken(arg, liquid)));
    return { filter, args };
  });
  if (!filters.length) return initial;
  const steps: ((ctx: Context, v: unknown) => unknown)[] = filters.map(({ filter, args }: { filter: any; args: any[] }) => {
    const { handler, token, liquid: owner } = filter;
    // most filters take no argument or one positional argument: no argument arrays for those
    if (!args.length) return (ctx: Context, v: unknown) => settle(handler.call({ context: ctx, token, liquid: owner }, v));
    if (args.length === 1 && typeof args[0] === "function") {
      const arg = args[0] as Eval;
      return (ctx: Context, v: unknown) => settle(handler.call({ context: ctx, token, liquid: owner }, v, arg(ctx)));
    }
    return (ctx: Context, v: unknown) => settle(handler.apply({ context: ctx, token, liquid: owner }, [v, ...args.map((a: any) => (typeof a === "function" ? a(ctx) : [a.key, a.value(ctx)]))]));
  });
  if (steps.length === 1) {
    const [step] = steps;
    return (ctx) => step(ctx, initial(ctx));
  }
  return (ctx) => {
    let v = initial(ctx);
    for (const step of steps) v = step(ctx, v);
    return v;
  };
}

// JSON mode emits each piece already encoded as JSON string content (static text once, at compile time)
function compileList(templates: Template[], liquid: Liquid, json: boolean): Emit {
  const parts = templates.map((t) => compileNode(t as any, liquid, json));
  return (ctx, out) => {
    for (const part of parts) part(ctx, out);
  };
}

function constant(source: string, json: boolean): Emit {
  const text = oneByte(source);
  if (!json) return (_ctx, out) => void out.parts.push(text);
  const encoded = jsonStringContent(text);
  const chars = text.length;
  return (_ctx, out) => {
    out.chars += chars;
    out.parts.push(encoded);
  };
}

const HTTP = /^https?:\/\//i;
// a click URL is base64url tokens under the public URL: it needs no HTML or JSON escaping unless that URL does
// eslint-disable-next-line no-control-regex -- control characters need JSON escaping
const NEEDS_ANY_ESCAPE = /[&<>"'\\\u0000-\u001f\u007f-\uffff]/;

/**
 * `{{ url | track_link }}` (HTML-escaped or not): the signed click URL is emitted as two shared strings,
 * the recipient's prefix and the link's cached token, instead of a new string per link and recipient.
 * Anything else about the output (an earlier filter, a non-http value, no tracking) renders as usual.
 */
function compileTrackedLink(value: any, liquid: Liquid, json: boolean): Emit | null {
  const filters: any[] = value.filters;
  const escape = (liquid as any).options.outputEscape;
  const at = filters.length && filters[filters.length - 1].handler === escape && escape ? filters.length - 2 : filters.length - 1;
  if (at < 0 || filters[at].name !== "track_link" || filters[at].args.length || at < filters.length - 2) return null;
  const url = compileValue({ initial: value.initial, filters: filters.slice(0, at) }, liquid);
  // track_link and the output escape take no arguments
  const rest: any[] = filters.slice(at);
  let safePrefix = "";
  return (ctx, out) => {
    checkTime(ctx);
    const raw = toValue(url(ctx));
    const text = raw === null || raw === undefined ? "" : String(raw);
    const links = (ctx.environments as Record<symbol, RenderState | undefined>)[RENDER_STATE]?.links;
    if (links && HTTP.test(text)) {
      const prefix = links.prefix();
      if (prefix === safePrefix || !NEEDS_ANY_ESCAPE.test(prefix)) {
        safePrefix = prefix;
        const suffix = links.suffix(text);
        out.chars += prefix.length + suffix.length;
        out.parts.push(prefix, suffix);
        return;
      }
    }
    let v: unknown = raw;
    for (const filter of rest) v = settle(filter.handler.apply({ context: ctx, token: filter.token, liquid: filter.liquid }, [v]));
    const rendered = stringify(v);
    out.chars += rendered.length;
    out.parts.push(json ? jsonStringContent(rendered) : rendered);
  };
}

// the CPU-time limit is checked every 8th output or loop step (reading the clock is a good part of an output's cost)
let ticks = 0;
const checkTime = (ctx: any) => {
  if ((++ticks & 7) === 0) ctx.renderLimit.check(performance.now());
};

function compileNode(node: any, liquid: Liquid, json: boolean): Emit {
  const kind = node.token?.kind;
  if (kind === 16) return constant(node.str, json);
  if (kind === 8) {
    const tracked = compileTrackedLink(node.value, liquid, json);
    if (tracked) return tracked;
    const value = compileValue(node.value, liquid);
    if (json)
      return (ctx, out) => {
        checkTime(ctx);
        const text = stringify(value(ctx));
        out.chars += text.length;
        out.parts.push(jsonStringContent(text));
      };
    return (ctx, out) => {
      checkTime(ctx);
      out.parts.push(stringify(value(ctx)));
    };
  }
  if (node instanceof RecommendationsTag) return (ctx) => node.render(ctx);
  switch (node.name) {
    case "comment":
      return () => undefined;
    case "raw":
      return constant(node.render(), json);
    case "assign": {
      const value = compileValue(node.value, liquid);
      const key: string = node.key;
      return (ctx) => void (ctx.bottom()[key] = toValue(value(ctx)));
    }
    case "capture": {
      // a captured value is data (a link to sign, a string to filter): always plain
      const body = compileList(node.templates, liquid, false);
      const key: string = node.variable;
      return (ctx) => {
        const inner: Out = { parts: [], chars: 0 };
        body(ctx, inner);
        ctx.bottom()[key] = inner.parts.join("");
      };
    }
    case "if":
    case "unless": {
      const branches = node.branches.map((b: any) => ({ value: compileValue(b.value, liquid), test: b.test as ((v: unknown, c: Context) => boolean) | undefined, body: compileList(b.templates, liquid, json) }));
      const otherwise = compileList(node.elseTemplates ?? [], liquid, json);
      return (ctx, out) => {
        for (const branch of branches) {
          const v = toValue(branch.value(ctx));
          if (branch.test ? branch.test(v, ctx) : isTruthy(v, ctx)) return branch.body(ctx, out);
        }
        otherwise(ctx, out);
      };
    }
    case "for": {
      if (Object.keys(node.hash.hash).length) unsupported("for modifiers");
      const collection = compileToken(node.collection, liquid);
      const body = compileList(node.templates, liquid, json);
      const otherwise = compileList(node.elseTemplates ?? [], liquid, json);
      const variable: string = node.variable;
      const name = `${variable}-${node.collection.getText()}`;
      return (ctx, out) => {
        const items = enumerable(collection(ctx));
        if (!items.length) return otherwise(ctx, out);
        const length = items.length;
        const forloop = { name, length, index: 1, index0: 0, rindex: length, rindex0: length - 1, first: true, last: length === 1 };
        const scope: Record<string, unknown> = { forloop };
        ctx.push(scope);
        for (let i = 0; i < length; i++) {
          checkTime(ctx);
          Object.assign(forloop, { index: i + 1, index0: i, rindex: length - i, rindex0: length - i - 1, first: i === 0, last: i === length - 1 });
          scope[variable] = items[i];
          body(ctx, out);
        }
        ctx.pop();
      };
    }
    default:
      return unsupported(`tag ${node.name}`);
  }
}

function enumerable(value: unknown): unknown[] {
  const v = toValue(value);
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return v.length ? [v] : [];
  if (v && typeof v === "object") return Symbol.iterator in v ? Array.from(v as Iterable<unknown>) : Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
  return [];
}

/** A compiled template: renders a scope to a string with LiquidJS's semantics and limits. */
export type FastTemplate = (scope: object) => string;
/** The same, producing the JSON encoding of the string (static text was encoded once, at compile time). */
export type FastJsonTemplate = (scope: object) => PreEncodedString;

// Compiles the templates and wraps them in a renderer that finishes the collected parts with `finish`.
function compileRenderer<T>(liquid: Liquid, templates: Template[], json: boolean, finish: (out: Out) => T): ((scope: object) => T) | null {
  let emit: Emit;
  try {
    emit = compileList(templates, liquid, json);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  const options = (liquid as any).options;
  return (scope) => {
    const ctx = new Context(scope, options, { sync: true }, { liquid } as never);
    const out: Out = { parts: [], chars: 0 };
    emit(ctx, out);
    return finish(out);
  };
}

/** Compiles a parsed template, or returns null when it uses something outside the fast subset. */
export function compileFast(liquid: Liquid, templates: Template[]): FastTemplate | null {
  return compileRenderer(liquid, templates, false, (out) => out.parts.join(""));
}

/** Like compileFast, but renders straight to JSON-encoded output (what an API response sends). */
export function compileFastJson(liquid: Liquid, templates: Template[]): FastJsonTemplate | null {
  return compileRenderer(liquid, templates, true, (out) => new PreEncodedString(out.parts, out.chars));
}
