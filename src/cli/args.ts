/** Parsed command line: positional words and `--flag value` / `--flag` options (repeatable). */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const next = argv[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith("--") ? (i++, next) : "true");
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { positional, options };
}

export function option(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}

export function requireOption(args: ParsedArgs, name: string, hint: string): string {
  const value = option(args, name);
  if (!value || value === "true") throw new CliError(`--${name} is required: ${hint}`);
  return value;
}

/** An error whose message is for the person at the terminal; printed without a stack. */
export class CliError extends Error {}
