import { randomBytes } from "node:crypto";

/**
 * A string whose JSON encoding was produced while it was built (a rendered email escapes its static
 * text once per template version, not once per response). Responses splice the encoding in instead
 * of escaping megabytes again; anything else that serializes it with JSON.stringify gets the plain string.
 */
export class PreEncodedString {
  private plain: string | null = null;
  private encoded: string | string[];

  /**
   * `json`: the JSON string literal's content (no quotes), ASCII only, whole or in pieces (kept apart
   * until the response joins everything once, so no per-email copy is made); `length`: the plain length.
   */
  constructor(
    json: string | string[],
    readonly length: number,
  ) {
    this.encoded = json;
  }

  get json(): string {
    if (typeof this.encoded !== "string") this.encoded = this.encoded.join("");
    return this.encoded;
  }

  /** Appends the encoded pieces to `out` (without joining them). */
  appendTo(out: string[]): void {
    if (typeof this.encoded === "string") out.push(this.encoded);
    else for (const piece of this.encoded) out.push(piece);
  }

  toString(): string {
    return (this.plain ??= JSON.parse(`"${this.json}"`) as string);
  }

  toJSON(): string {
    return this.toString();
  }
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/;
const NON_ASCII = /[\u007f-\uffff]/g;
const NON_ASCII_TEST = /[\u007f-\uffff]/;
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

// eslint-disable-next-line no-control-regex -- every character that fits in one byte
const LATIN1 = /^[\u0000-\u00ff]*$/;

/**
 * The same string, stored one byte per character when its characters allow. V8 keeps the two-byte
 * storage of a string through slices and replacements (a template with one "–" makes every piece cut
 * from it two-byte), and one two-byte piece makes a whole response two-byte: twice the memory, and a
 * slow UTF-8 encoding. Meant for strings made once (compile time) or short ones.
 */
export function oneByte(s: string): string {
  return LATIN1.test(s) ? Buffer.from(s, "latin1").toString("latin1") : s;
}

/** The content of the JSON string literal for `s`, ASCII only (so responses stay one byte per character). */
export function jsonStringContent(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return oneByte(JSON.stringify(s).slice(1, -1).replace(NON_ASCII, unicodeEscape));
}

// a per-process marker: a string in the data can only look like one by knowing it
const MARKER = `\u0000kd-pre-encoded-${randomBytes(9).toString("base64url")}:`;
const MARKED = new RegExp(`"\\\\u0000${MARKER.slice(1)}(\\d+)"`, "g");

/** JSON.stringify that splices in pre-encoded strings (Apollo's `stringifyResult`; same output as JSON.stringify + "\n"). */
export function stringifyWithPreEncoded(value: unknown): string {
  if (value instanceof PreEncodedString) return `"${value.json}"\n`;
  const found: PreEncodedString[] = [];
  const mark = (v: unknown) => (v instanceof PreEncodedString ? MARKER + (found.push(v) - 1) : v);
  // toJSON runs before a replacer sees a value, so pre-encoded strings are swapped out from their holder
  const skeleton = JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.some((x) => x instanceof PreEncodedString) ? v.map(mark) : v;
    for (const k in v) {
      if ((v as Record<string, unknown>)[k] instanceof PreEncodedString) {
        const copy: Record<string, unknown> = {};
        for (const key in v) copy[key] = mark((v as Record<string, unknown>)[key]);
        return copy;
      }
    }
    return v;
  });
  if (!found.length) return `${skeleton}\n`;
  // one join of every piece: the response is the only large string made, and ASCII like the pieces
  const ascii = NON_ASCII_TEST.test(skeleton) ? skeleton.replace(NON_ASCII, unicodeEscape) : skeleton;
  const out: string[] = [];
  let at = 0;
  for (const match of ascii.matchAll(MARKED)) {
    out.push(ascii.slice(at, match.index), '"');
    found[Number(match[1])].appendTo(out);
    out.push('"');
    at = match.index + match[0].length;
  }
  out.push(ascii.slice(at), "\n");
  const response = out.join("");
  if (response.length >= ASCII_NOTE_MIN) {
    if (asciiResponses.size >= 8) asciiResponses.clear();
    asciiResponses.set(response.length, response);
  }
  return response;
}

// Large responses made here are ASCII, so the server can send them as they are (latin1: the length is the byte
// count and nothing is encoded) instead of measuring and UTF-8 encoding megabytes. Noted by length until written.
const ASCII_NOTE_MIN = 64 * 1024;
const asciiResponses = new Map<number, string>();

/** True (once) for a response body this module made and knows to be ASCII. */
export function takeAsciiResponse(body: string): boolean {
  if (body.length < ASCII_NOTE_MIN || asciiResponses.get(body.length) !== body) return false;
  asciiResponses.delete(body.length);
  return true;
}
