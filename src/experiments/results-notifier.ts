import type { DomainBus } from "../common/bus";

declare module "../common/bus" {
  interface DomainEvents {
    /** An experiment's results may have changed (ids only; subscribers re-read the report). */
    "experiment.resultsUpdated": { experimentId: string };
  }
}

/** Publishes `experiment.resultsUpdated` at most once per interval per experiment (leading + trailing edge). */
export class ResultsNotifier {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly bus: DomainBus,
    private readonly intervalMs = 2000,
  ) {}

  notify(workspaceId: string, experimentId: string): void {
    const key = `${workspaceId}:${experimentId}`;
    if (this.pending.has(key)) return;
    const wait = (this.last.get(key) ?? 0) + this.intervalMs - Date.now();
    const fire = (): void => {
      this.pending.delete(key);
      this.last.set(key, Date.now());
      this.bus.publish("experiment.resultsUpdated", { workspaceId, experimentId });
    };
    if (wait <= 0) return fire();
    const timer = setTimeout(fire, wait);
    timer.unref();
    this.pending.set(key, timer);
  }

  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
