import "reflect-metadata";
import { loadConfig, ConfigError } from "./config/config";
import { createLogger } from "./common/logger";
import { DomainError } from "./common/errors";
import { CliError, parseArgs } from "./cli/args";
import { cliCommands } from "./cli/registry";

function usage(): string {
  const width = Math.max(...cliCommands.map((c) => c.name.length));
  return ["usage: kindred <command> [options]", "", ...cliCommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n  ${" ".repeat(width)}  ${c.usage}`)].join("\n");
}

/** The `kindred` command line. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const name = args.positional[0] ?? "serve";
  if (name === "help" || args.options.has("help")) {
    process.stdout.write(usage() + "\n");
    return 0;
  }
  const command = cliCommands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    return (await command.run(args, { config, logger })) ?? 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CliError || error instanceof DomainError) {
      process.stderr.write(`kindred ${name}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`kindred ${name} failed: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
