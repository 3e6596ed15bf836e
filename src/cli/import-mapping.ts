/** How a column's text becomes a value: as text, a number, an integer, a boolean, Unix seconds or a date. */
export type Converter = "string" | "number" | "int" | "bool" | "unix" | "date";

/** One `--map col=field[:converter]` rule: `col` is a header name or a 1-based column number. */
export interface ColumnRule {
  column: string;
  field: string;
  convert: Converter;
}

const CONVERTERS: Converter[] = ["string", "number", "int", "bool", "unix", "date"];

/** Parses `--map` specs; throws a message naming the bad spec. */
export function parseMaps(specs: string[]): ColumnRule[] {
  return specs.map((spec) => {
    const m = /^([^=]+)=([A-Za-z_][\w.]*)(?::(\w+))?$/.exec(spec);
    if (!m) throw new Error(`--map ${spec}: expected column=field[:${CONVERTERS.join("|")}]`);
    const convert = (m[3] ?? "string") as Converter;
    if (!CONVERTERS.includes(convert)) throw new Error(`--map ${spec}: unknown converter "${m[3]}"; use ${CONVERTERS.join(", ")}`);
    return { column: m[1].trim(), field: m[2], convert };
  });
}

/** Parses `--set field=value` constants. */
export function parseSets(specs: string[]): [string, string][] {
  return specs.map((spec) => {
    const i = spec.indexOf("=");
    if (i < 1) throw new Error(`--set ${spec}: expected field=value`);
    return [spec.slice(0, i), spec.slice(i + 1)];
  });
}

/** Converts one cell; an empty cell is absent (undefined) so validation reports required fields. */
export function convert(raw: string | undefined, how: Converter): unknown {
  if (raw === undefined || raw === "") return undefined;
  switch (how) {
    case "string": return raw;
    case "number": return Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case "int": return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    case "bool": return /^(1|true|yes|y)$/i.test(raw) ? true : /^(0|false|no|n)$/i.test(raw) ? false : raw;
    case "unix": return /^\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000).toISOString() : raw;
    case "date": return Number.isNaN(Date.parse(raw)) ? raw : new Date(raw).toISOString();
  }
}

/** Sets `obj.a.b.c = value` for the field path "a.b.c". */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  if (value === undefined) return;
  const parts = path.split(".");
  let node = obj;
  for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

/** Builds one record from a row (cells by header name, or by 1-based position when there is no header). */
export function mapRow(cells: string[], header: string[] | null, rules: ColumnRule[], sets: [string, string][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const rule of rules) {
    const index = header ? header.indexOf(rule.column) : Number(rule.column) - 1;
    setPath(out, rule.field, convert(index >= 0 ? cells[index] : undefined, rule.convert));
  }
  for (const [field, value] of sets) setPath(out, field, value);
  return out;
}

/** Checks that every mapped column exists (by header name or position); returns the problems. */
export function missingColumns(rules: ColumnRule[], header: string[] | null, width: number): string[] {
  return rules.filter((r) => (header ? !header.includes(r.column) : !(Number(r.column) >= 1 && Number(r.column) <= width))).map((r) => r.column);
}
