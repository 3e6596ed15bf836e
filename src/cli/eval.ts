import "reflect-metadata";
import { resolve } from "node:path";
import { EVAL_PROTOCOLS, type EvalOptions } from "./eval-protocols";

/** `npm run eval -- <protocol> --dataset <dir> [--json] [--quick]`: with --json the last line is one JSON object. */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const name = argv.find((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--") && !["--json", "--quick"].includes(argv[i - 1])));
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const next = argv[i + 1];
    flags.set(argv[i].slice(2), next && !next.startsWith("--") && !["--json", "--quick"].includes(argv[i]) ? (i++, next) : "true");
  }
  const protocol = name ? EVAL_PROTOCOLS[name] : undefined;
  if (!name || !protocol) {
    console.error(`usage: npm run eval -- <protocol> --dataset <dir> [--json] [--quick]\nprotocols:\n${Object.entries(EVAL_PROTOCOLS).map(([n, p]) => `  ${n.padEnd(28)} ${p.description}`).join("\n")}`);
    process.exit(2);
  }
  const json = flags.has("json");
  const options: EvalOptions = {
    dataset: resolve(flags.get("dataset") ?? protocol.defaultDataset),
    json,
    quick: flags.has("quick"),
    flags,
    // With --json, people-facing lines go to stderr so stdout ends with the JSON object alone.
    log: (line) => (json ? console.error(line) : console.log(line)),
  };
  const started = Date.now();
  const run = await protocol.load();
  const result = await run(options);
  const summary = { protocol: name, dataset: options.dataset, seconds: Math.round((Date.now() - started) / 100) / 10, ...result };
  console.log(JSON.stringify(summary));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
