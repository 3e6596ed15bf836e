/** Options every offline evaluation receives from `npm run eval -- <protocol> --dataset <dir> [--json] [--quick]`. */
export interface EvalOptions {
  dataset: string;
  json: boolean;
  quick: boolean;
  /** Any other --flag value pairs. */
  flags: Map<string, string>;
  /** Progress and tables for people (stderr when --json). */
  log(line: string): void;
}

/** One protocol of ../shared/EVALUATION.md: returns the figures as one flat-ish JSON object. */
export interface EvalProtocol {
  description: string;
  /** Default dataset folder relative to the repository root. */
  defaultDataset: string;
  /** Loaded lazily (require) so one protocol's imports never slow another. */
  load(): Promise<(options: EvalOptions) => Promise<Record<string, unknown>>>;
}

/** Protocol name → how to run it. Modules add one entry each. */
export const EVAL_PROTOCOLS: Record<string, EvalProtocol> = {
  "recs-ml100k": {
    description: "MovieLens-100K, Microsoft Recommenders protocol (stratified split per item, top-10, mean over 3 seeds)",
    defaultDataset: "../shared/datasets/ml-100k",
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: async () => (require("../recommendations/evaluation/ml100k.protocol") as typeof import("../recommendations/evaluation/ml100k.protocol")).runMl100k,
  },
  "recs-online-retail": {
    description: "UCI Online Retail next-month purchases (train < 2011-11-01, test November 2011, top-20)",
    defaultDataset: "../shared/datasets/online-retail",
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: async () => (require("../recommendations/evaluation/online-retail.protocol") as typeof import("../recommendations/evaluation/online-retail.protocol")).runOnlineRetail,
  },
  "propensity-online-retail": {
    description: "UCI Online Retail purchase in the next 30 days (train cutoffs 2011-08/09/10-01 stacked, test 2011-11-01)",
    defaultDataset: "../shared/datasets/online-retail",
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: async () => (require("../predictions/eval/protocols") as typeof import("../predictions/eval/protocols")).runPropensity,
  },
  "sendtime-online-retail": {
    description: "UCI Online Retail best hour of the week per customer (history < 2011-10-01, ±2 h hit rate)",
    defaultDataset: "../shared/datasets/online-retail",
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    load: async () => (require("../predictions/eval/protocols") as typeof import("../predictions/eval/protocols")).runSendTime,
  },
};
