import type { EvalOptions } from "../../cli/eval-protocols";
import { runPropensityProtocol } from "./propensity-protocol";
import { runSendTimeProtocol } from "./sendtime-protocol";

/** `npm run eval -- propensity-online-retail --dataset <dir> [--json] [--quick]` (--quick skips the validation folds). */
export function runPropensity(options: EvalOptions): Promise<Record<string, unknown>> {
  return runPropensityProtocol(options.dataset, options.log, { skipValidation: options.quick });
}

/** `npm run eval -- sendtime-online-retail --dataset <dir> [--json] [--prior-strength 5]`. */
export async function runSendTime(options: EvalOptions): Promise<Record<string, unknown>> {
  const strength = Number(options.flags.get("prior-strength") ?? 5);
  const report = await runSendTimeProtocol(options.dataset, Number.isFinite(strength) && strength > 0 ? strength : 5);
  options.log(`send time: bayes ${report.bayes_hit_rate.toFixed(4)}, personal only ${report.personal_only_hit_rate.toFixed(4)}, baseline ${report.baseline_hit_rate.toFixed(4)}`);
  return { ...report };
}
