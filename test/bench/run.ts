import "reflect-metadata";
import { cpus } from "node:os";

/** A benchmark suite: measures itself and its own floor in the same run. */
export interface BenchSuite {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<Record<string, unknown>>;
}

export interface BenchOptions {
  quick: boolean;
  json: boolean;
  /** --dataset <dir> when given. */
  dataset?: string;
  /** Any other --flag value pairs. */
  flags: Map<string, string>;
  log(line: string): void;
}

/** Suite name → module path (relative to this folder, compiled to dist/test/bench). */
const SUITES: Record<string, string> = {
  experiments: "./experiments.bench",
  http: "./http.bench",
  ingest: "./ingest.bench",
  recs: "./recs.bench",
  predictions: "./predictions.bench",
  render: "./render.bench",
  segments: "./segments.bench",
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const name = argv.find((a) => !a.startsWith("--"));
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const next = argv[i + 1];
    flags.set(argv[i].slice(2), next && !next.startsWith("--") ? (i++, next) : "true");
  }
  if (!name || !SUITES[name]) {
    console.error(`usage: npm run bench -- <suite> [--quick] [--json]\nsuites: ${Object.keys(SUITES).join(", ")}`);
    process.exit(2);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const suite = (require(SUITES[name]) as { suite: BenchSuite }).suite;
  const json = flags.has("json");
  const options: BenchOptions = { quick: flags.has("quick"), json, dataset: flags.get("dataset"), flags, log: (line) => console.log(line) };
  const result = await suite.run(options);
  const summary = { suite: name, cores: cpus().length, quick: options.quick, ...result };
  if (!json) for (const [key, value] of Object.entries(summary)) console.log(`${key.padEnd(24)} ${typeof value === "object" ? JSON.stringify(value) : value}`);
  console.log(JSON.stringify(summary));
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
