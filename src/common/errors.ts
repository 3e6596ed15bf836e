/** The public error codes every client can rely on (`extensions.code`). */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "PAYLOAD_TOO_LARGE";

/** One invalid field: where it is and what is wrong with it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Base of every error that is safe to show to the caller as it is. */
export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Invalid input: carries every problem found, each with its field path. */
export class UserInputError extends DomainError {
  constructor(public readonly problems: FieldProblem[], message?: string) {
    super("BAD_USER_INPUT", message ?? summarize(problems), { problems });
  }
  static single(path: string, message: string): UserInputError {
    return new UserInputError([{ path, message }]);
  }
}

function summarize(problems: FieldProblem[]): string {
  if (problems.length === 1) return `${problems[0].path}: ${problems[0].message}`;
  return `${problems.length} invalid fields: ${problems.map((p) => p.path).join(", ")}`;
}

export class UnauthenticatedError extends DomainError {
  constructor(message = "A valid API key is required: send `Authorization: Bearer <key>`") {
    super("UNAUTHENTICATED", message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "This API key's role may not do this") {
    super("FORBIDDEN", message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super("NOT_FOUND", `${what} ${id} was not found`, { what, id });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("CONFLICT", message, details);
  }
}

export class RateLimitedError extends DomainError {
  constructor(public readonly retryAfterSeconds: number) {
    super("RATE_LIMITED", `Rate limit exceeded for this API key; retry after ${retryAfterSeconds}s`, { retryAfterSeconds });
  }
}

/** Collects problems during validation and throws them all at once. */
export class ProblemCollector {
  readonly problems: FieldProblem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
  get ok(): boolean {
    return this.problems.length === 0;
  }
  throwIfAny(): void {
    if (this.problems.length) throw new UserInputError(this.problems);
  }
}
