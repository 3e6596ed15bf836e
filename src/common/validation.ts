import { UserInputError } from "./errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Rejects an id that is not a UUID before it reaches SQL (which would fail with a cast error). */
export function assertUuid(value: string, path: string): void {
  if (!isUuid(value)) throw UserInputError.single(path, `must be a UUID, got "${value.slice(0, 60)}"`);
}
