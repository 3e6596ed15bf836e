import pino, { type Logger } from "pino";

/** Creates the process logger: JSON lines, secrets redacted, errors reduced to what helps. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "kindred" },
    serializers: { err: serializeError },
    redact: {
      paths: ["authorization", "headers.authorization", "*.authorization", "apiKey", "*.apiKey", "key", "*.secret", "password", "*.password"],
      censor: "[redacted]",
    },
  });
}

// PostgreSQL error fields that identify a problem without echoing row values (`detail` can hold personal data).
const SAFE_ERROR_FIELDS = ["code", "severity", "routine", "table", "constraint", "column"] as const;

/**
 * Keeps an error's type, message, stack, cause and safe driver fields. pg attaches whole client
 * and connection objects to some errors; logging them floods the log and can leak settings.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const record = error as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const field of SAFE_ERROR_FIELDS) if (typeof record[field] === "string") out[field] = record[field];
  if (record.cause !== undefined && depth < 3) out.cause = serializeError(record.cause, depth + 1);
  if (error instanceof AggregateError && depth < 3) out.errors = error.errors.slice(0, 5).map((e: unknown) => serializeError(e, depth + 1));
  return out;
}

export type { Logger };
