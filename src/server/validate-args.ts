import { validate, type ValidationError } from "class-validator";
import type { ResolverData } from "type-graphql";
import { UserInputError, type FieldProblem } from "../common/errors";

function collect(errors: ValidationError[], prefix: string, out: FieldProblem[]): void {
  for (const error of errors) {
    const path = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ path, message: message.replace(new RegExp(`^${error.property}\\s+`), "") });
    if (error.children?.length) collect(error.children, path, out);
  }
}

const shouldValidate = (value: unknown) => value !== null && typeof value === "object" && !(value instanceof Date);

/** The argument an (already converted) value came from; "" for flattened @ArgsType fields. */
function argumentName(args: Record<string, unknown>, value: object): string {
  const entries = Object.entries(args);
  const same = entries.find(([, raw]) => raw === value);
  if (same) return same[0];
  const keys = (v: object) => Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().join(",");
  const shaped = entries.find(([, raw]) => raw !== null && typeof raw === "object" && Array.isArray(raw) === Array.isArray(value) && (Array.isArray(raw) ? (raw as unknown[]).length === (value as unknown[]).length : keys(raw) === keys(value)));
  return shaped?.[0] ?? "";
}

/**
 * Validates class-validator decorated arguments and reports every problem with its full path
 * (`input.name`, `events[3].occurredAt`) in one BAD_USER_INPUT error.
 */
export async function validateArgs(argValue: unknown, _argType: unknown, data: ResolverData<object>): Promise<void> {
  if (!shouldValidate(argValue)) return;
  const argName = argumentName(data.args, argValue as object);
  const options = { skipMissingProperties: true, forbidUnknownValues: false };
  const problems: FieldProblem[] = [];
  if (Array.isArray(argValue)) {
    const results = await Promise.all(argValue.map((item) => (shouldValidate(item) ? validate(item as object, options) : [])));
    results.forEach((errors, index) => collect(errors, `${argName}[${index}]`, problems));
  } else {
    collect(await validate(argValue as object, options), argName, problems);
  }
  if (problems.length) throw new UserInputError(problems);
}
