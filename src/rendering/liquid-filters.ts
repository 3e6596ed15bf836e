/** Kindred's pure Liquid filter helpers (no Liquid or database access), shared by renders and specs. */

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Formats an amount as currency in a locale, e.g. money(12.5, "EUR", "de-DE") → "12,50 €". */
export function formatMoney(amount: unknown, currency = "USD", locale = "en-US"): string {
  const value = typeof amount === "number" ? amount : Number(amount);
  if (amount === null || amount === undefined || amount === "" || !Number.isFinite(value)) return "";
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: "currency", currency });
    } catch {
      // an unknown currency or locale must not break a send: fall back to a plain number
      format = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(key, format);
  }
  return format.format(value);
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  if (zoneFormats.has(zone)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Local calendar fields of an instant in a time zone (what "time in the recipient's timezone" means). */
type LocalParts = { year: number; month: number; day: number; hour: number; minute: number; weekday: string; offsetMinutes: number };
const recentParts = new Map<string, LocalParts>();

export function localParts(at: Date, timeZone: string): LocalParts {
  // a batch renders one instant for many recipients in few zones: remember the last answers per minute
  const key = `${timeZone}|${Math.floor(at.getTime() / 60000)}`;
  const hit = recentParts.get(key);
  if (hit) return hit;
  if (recentParts.size > 2000) recentParts.clear();
  const parts = computeParts(at, timeZone);
  recentParts.set(key, parts);
  return parts;
}

function computeParts(at: Date, timeZone: string): LocalParts {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", weekday: "long" });
    zoneFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  const offsetMinutes = Math.round((local - Math.floor(at.getTime() / 60000) * 60000) / 60000);
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), weekday: parts.weekday, offsetMinutes };
}

/** Picks a valid time zone: the profile's own, else the workspace default, else UTC. */
export function recipientTimeZone(...candidates: unknown[]): string {
  for (const candidate of candidates) if (typeof candidate === "string" && candidate && isTimeZone(candidate)) return candidate;
  return "UTC";
}

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const pad = (n: number, width = 2, fill = "0") => String(n).padStart(width, fill);

/** Parses what templates pass to `date`: "now", epoch seconds, ISO strings, Date objects. */
export function toInstant(value: unknown, now: () => Date = () => new Date()): Date | null {
  if (value === null || value === undefined || value === "") return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (value === "now" || value === "today") return now();
  if (typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value))) return new Date(Number(value) * 1000);
  if (typeof value !== "string") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** strftime over an instant shown in a time zone (the subset Shopify-style templates use). */
export function formatDate(at: Date, format: string, timeZone: string): string {
  const p = localParts(at, timeZone);
  const weekday = DAYS.indexOf(p.weekday);
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const offset = `${p.offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(p.offsetMinutes) / 60))}${pad(Math.abs(p.offsetMinutes) % 60)}`;
  return format.replace(/%([-_^]?)([a-zA-Z%])/g, (all, flag: string, code: string) => {
    const num = (n: number, width = 2) => (flag === "-" ? String(n) : flag === "_" ? pad(n, width, " ") : pad(n, width));
    let out: string;
    switch (code) {
      case "a": out = p.weekday.slice(0, 3); break;
      case "A": out = p.weekday; break;
      case "b": case "h": out = MONTHS[p.month - 1].slice(0, 3); break;
      case "B": out = MONTHS[p.month - 1]; break;
      case "d": out = num(p.day); break;
      case "e": out = flag === "-" ? String(p.day) : pad(p.day, 2, " "); break;
      case "H": out = num(p.hour); break;
      case "I": out = num(hour12); break;
      case "l": out = flag === "-" ? String(hour12) : pad(hour12, 2, " "); break;
      case "m": out = num(p.month); break;
      case "M": out = num(p.minute); break;
      case "p": out = p.hour < 12 ? "AM" : "PM"; break;
      case "P": out = p.hour < 12 ? "am" : "pm"; break;
      case "S": out = pad(at.getUTCSeconds()); break;
      case "y": out = pad(p.year % 100); break;
      case "Y": out = String(p.year); break;
      case "u": out = String(weekday === 0 ? 7 : weekday); break;
      case "w": out = String(weekday); break;
      case "z": out = offset; break;
      case "Z": out = timeZone; break;
      case "F": out = `${p.year}-${pad(p.month)}-${pad(p.day)}`; break;
      case "T": out = `${pad(p.hour)}:${pad(p.minute)}:${pad(at.getUTCSeconds())}`; break;
      case "%": out = "%"; break;
      default: return all;
    }
    return flag === "^" ? out.toUpperCase() : out;
  });
}
