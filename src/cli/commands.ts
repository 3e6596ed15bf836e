import type { KindredConfig } from "../config/config";
import type { Logger } from "../common/logger";
import type { ParsedArgs } from "./args";

/** One `kindred <name>` command. */
export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  run(args: ParsedArgs, env: { config: KindredConfig; logger: Logger }): Promise<number | void>;
}
