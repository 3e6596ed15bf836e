import type { CliCommand } from "./commands";
import { migrateCommand, serveCommand, workerCommand } from "./serve.command";
import { keysCommand, workspacesCommand } from "./keys.command";
import { trainCommand } from "./train.command";
import { importCommand } from "./import.command";
import { rotateKeysCommand } from "../privacy/rotate-keys.command";

/** Every `kindred` command; modules add theirs here (import, train, eval). */
export const cliCommands: CliCommand[] = [serveCommand, workerCommand, migrateCommand, keysCommand, workspacesCommand, trainCommand, importCommand, rotateKeysCommand];
