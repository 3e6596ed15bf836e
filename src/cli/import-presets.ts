import type { SourceOptions } from "./import-sources";

/** What an importer needs from a preset: how to read the file and how rows become records. */
export interface ImportPreset {
  source: SourceOptions;
  /** Rows of cells → records (events, profiles or items), in file order. */
  transform(rows: AsyncIterable<string[]>): AsyncIterable<Record<string, unknown>>;
  /** Declarations the records need first (custom event types, trait types). */
  setup?: { eventTypes?: { name: string; properties: Record<string, unknown> }[]; traits?: { name: string; type: string }[] };
}

/** Stock codes of the Online Retail file that are fees, postage or adjustments, not products. */
export const NON_PRODUCT_CODES = /^(POST|DOT|M|m|D|S|B|C2|CRUK|PADS|BANK CHARGES|AMAZONFEE|DCGSS.*|gift_0001_.*)$/;

const londonParts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
/** "YYYY-MM-DD HH:MM:SS" London wall-clock time → ISO instant (handles GMT/BST). */
export function londonToIso(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  const p = Object.fromEntries(londonParts.formatToParts(new Date(asUtc)).map((x) => [x.type, x.value]));
  const offset = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - asUtc;
  return new Date(asUtc - offset).toISOString();
}

type Cells = string[];
const num = (s: string) => (s === "" || !Number.isFinite(Number(s)) ? s : Number(s));

/** Online Retail invoices → one purchase (or refund for "C…" invoices) event per invoice. */
async function* retailEvents(rows: AsyncIterable<string[]>): AsyncIterable<Record<string, unknown>> {
  let current: Cells[] = [];
  const runs = new Map<string, number>();
  const flush = () => {
    if (!current.length) return undefined;
    const [invoice, , , , date, , customer, country] = current[0];
    const run = (runs.get(invoice) ?? 0) + 1;
    runs.set(invoice, run);
    const refund = invoice.startsWith("C");
    const event = {
      messageId: `online-retail:${invoice}${run > 1 ? `:${run}` : ""}`,
      type: refund ? "refund" : "purchase",
      occurredAt: londonToIso(date) ?? date,
      ...(customer ? { userId: customer } : { anonymousId: `online-retail-guest:${invoice}` }),
      properties: {
        orderId: invoice,
        currency: "GBP",
        lineItems: current.map(([, code, description, quantity, , price]) => ({ itemId: code, quantity: refund ? Math.abs(Number(quantity)) : num(quantity), price: num(price), title: description.trim() || undefined })),
      },
      context: { countryName: country },
    };
    current = [];
    return event;
  };
  let header = true;
  for await (const cells of rows) {
    if (header) { header = false; if (cells[0] === "InvoiceNo") continue; }
    if (current.length && current[0][0] !== cells[0]) yield flush()!;
    current.push(cells);
  }
  const last = flush();
  if (last) yield last;
}

/** Online Retail stock codes → items (latest non-empty description, latest positive price). */
async function* retailItems(rows: AsyncIterable<string[]>): AsyncIterable<Record<string, unknown>> {
  const items = new Map<string, { title?: string; price?: number }>();
  let header = true;
  for await (const [invoice, code, description, , , price] of rows) {
    if (header) { header = false; if (invoice === "InvoiceNo") continue; }
    const item = items.get(code) ?? {};
    if (description.trim()) item.title = description.trim();
    if (Number(price) > 0) item.price = Number(price);
    items.set(code, item);
  }
  for (const [id, item] of items)
    yield { id, title: item.title ?? id, price: item.price ?? null, currency: "GBP", categoryPath: NON_PRODUCT_CODES.test(id) ? ["Non-product"] : ["Gifts"], tags: NON_PRODUCT_CODES.test(id) ? ["non-product"] : [] };
}

export const ML_GENRES = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** MovieLens u.data ratings → custom "rating" events. */
async function* mlEvents(rows: AsyncIterable<string[]>): AsyncIterable<Record<string, unknown>> {
  for await (const [user, item, rating, ts] of rows)
    yield { messageId: `ml-100k:${user}:${item}`, type: "rating", userId: user, occurredAt: /^\d+$/.test(ts) ? new Date(Number(ts) * 1000).toISOString() : ts, properties: { itemId: item, rating: num(rating) } };
}

/** MovieLens u.item movies → items (genres as tags, the first genre as category). */
async function* mlItems(rows: AsyncIterable<string[]>): AsyncIterable<Record<string, unknown>> {
  for await (const cells of rows) {
    const [id, title, release, , imdb] = cells;
    const genres = ML_GENRES.filter((_, g) => cells[5 + g] === "1");
    const d = /^(\d{2})-(\w{3})-(\d{4})$/.exec(release);
    const releaseDate = d ? `${d[3]}-${String(MONTHS.indexOf(d[2]) + 1).padStart(2, "0")}-${d[1]}` : null;
    yield { id, title, url: imdb ? imdb.replace(/ /g, "%20") : null, // one URL (item 279) has a bare space
      categoryPath: ["Movies", genres[0] ?? "unknown"], tags: genres, attributes: { releaseDate, year: releaseDate ? Number(releaseDate.slice(0, 4)) : null } };
  }
}

/** MovieLens u.user → profiles keyed by user_id with demographic traits. */
async function* mlProfiles(rows: AsyncIterable<string[]>): AsyncIterable<Record<string, unknown>> {
  for await (const [id, age, gender, occupation, zip] of rows) yield { identifiers: { user_id: id }, traits: { age: num(age), gender, occupation, zipCode: zip } };
}

/** Presets by name and kind. */
export const PRESETS: Record<string, Partial<Record<"events" | "profiles" | "items", ImportPreset>>> = {
  "online-retail": {
    events: { source: { delimiter: ",", header: true }, transform: retailEvents },
    items: { source: { delimiter: ",", header: true }, transform: retailItems },
  },
  "ml-100k": {
    events: {
      source: { delimiter: "\t", header: false, quote: false },
      transform: mlEvents,
      setup: { eventTypes: [{ name: "rating", properties: { itemId: { type: "string", required: true }, rating: { type: "number", required: true } } }] },
    },
    items: { source: { delimiter: "|", header: false, quote: false, encoding: "latin1" }, transform: mlItems },
    profiles: {
      source: { delimiter: "|", header: false, quote: false },
      transform: mlProfiles,
      setup: { traits: [{ name: "age", type: "number" }, { name: "gender", type: "string" }, { name: "occupation", type: "string" }, { name: "zipCode", type: "string" }] },
    },
  },
};
