import pino, { type Logger } from "pino";

/** Creates the process logger: JSON lines, secrets redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "kindred" },
    redact: {
      paths: ["authorization", "headers.authorization", "*.authorization", "apiKey", "*.apiKey", "key", "*.secret", "password", "*.password"],
      censor: "[redacted]",
    },
  });
}

export type { Logger };
