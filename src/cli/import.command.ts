import { existsSync } from "node:fs";
import { createRuntime } from "../server/kernel-factory";
import { WORKSPACES } from "../workspaces/workspaces.module";
import { CliError, option, requireOption } from "./args";
import type { CliCommand } from "./commands";
import { parseMaps, parseSets } from "./import-mapping";
import { PRESETS } from "./import-presets";
import { runImport, type ImportKind, type ImportSummary } from "./import-runner";

const KINDS: ImportKind[] = ["events", "profiles", "items"];

/** Prints a summary: counts by status and rejected counts by reason. */
export function formatSummary(s: ImportSummary): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const reasons = Object.entries(s.reasons).sort((a, b) => b[1] - a[1]).map(([r, c]) => `${r} ${n(c)}`).join(", ");
  return [
    `imported ${s.kind} from ${s.file}: ${n(s.rows)} rows → ${n(s.records)} records in ${s.seconds}s`,
    `  accepted ${n(s.accepted)}  duplicate ${n(s.duplicate)}  rejected ${n(s.rejected)}`,
    ...(reasons ? [`  rejected by reason: ${reasons}`] : []),
  ].join("\n");
}

export const importCommand: CliCommand = {
  name: "import",
  usage: `kindred import events|profiles|items <file.csv|.tsv|.ndjson[.gz]> --workspace <id|name> [--preset ${Object.keys(PRESETS).join("|")}] [--map col=field[:number|int|bool|unix|date] …] [--set field=value …] [--delimiter ,] [--encoding utf8|latin1] [--no-header] [--batch 10000] [--limit records] [--rows rows] [--json]`,
  summary: "bulk import through the same validation as the API (safe to re-run)",
  async run(args, { config, logger }) {
    const [, kind, file] = args.positional;
    if (!KINDS.includes(kind as ImportKind) || !file) throw new CliError(`usage: ${this.usage}`);
    if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
    let rules, sets;
    try {
      rules = parseMaps(args.options.get("map") ?? []);
      sets = parseSets(args.options.get("set") ?? []);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const preset = option(args, "preset");
    if (!preset && !rules.length && !/\.(nd)?jsonl?(\.gz)?$/.test(file)) throw new CliError("give --preset or at least one --map col=field for delimited files");
    // Large batches: each profile's computed traits are rewritten once per batch, not once per event.
    const batch = Number(option(args, "batch") ?? 10_000);
    const limit = option(args, "limit") ? Number(option(args, "limit")) : undefined;
    const rowLimit = option(args, "rows") ? Number(option(args, "rows")) : undefined;
    if (!Number.isInteger(batch) || batch < 1 || batch > 50_000) throw new CliError("--batch must be an integer from 1 to 50000");
    const runtime = await createRuntime(config, logger, { work: false, startJobs: false });
    try {
      const ref = requireOption(args, "workspace", "a workspace id or name (see `kindred workspaces list`)");
      const workspace = await runtime.registry.get(WORKSPACES).find(ref);
      if (!workspace) throw new CliError(`no workspace "${ref}"`);
      const encoding = option(args, "encoding") as BufferEncoding | undefined;
      const summary = await runImport(
        {
          kind: kind as ImportKind, file, workspaceId: workspace.id, preset, rules, sets, batchSize: batch, limit, rowLimit,
          source: { delimiter: option(args, "delimiter")?.replace("\\t", "\t"), encoding, ...(args.options.has("no-header") ? { header: false } : {}) },
        },
        runtime.registry,
      );
      process.stdout.write(args.options.has("json") ? JSON.stringify(summary) + "\n" : formatSummary(summary) + "\n");
    } finally {
      await runtime.close();
    }
  },
};
