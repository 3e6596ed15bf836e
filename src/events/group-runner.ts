/** A job waiting for its group, with the promise of its own answer. */
interface Waiting<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: jobs submitted while a group runs wait and then run together as the next group
 * (one transaction instead of several that would wait for each other's row locks). A failing
 * group is retried job by job, so one bad job fails only its own caller.
 */
export class GroupRunner<J, R> {
  private queue: Waiting<J, R>[] = [];
  private running = false;

  constructor(
    private readonly run: (jobs: J[]) => Promise<R[]>,
    /** Size of a job (e.g. its events); a group stops growing past `maxSize`. */
    private readonly sizeOf: (job: J) => number,
    private readonly maxSize: number,
  ) {}

  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        let size = 0;
        let n = 0;
        while (n < this.queue.length && (n === 0 || size + this.sizeOf(this.queue[n].job) <= this.maxSize)) size += this.sizeOf(this.queue[n++].job);
        const group = this.queue.splice(0, n);
        await this.runGroup(group);
      }
    } finally {
      this.running = false;
    }
  }

  private async runGroup(group: Waiting<J, R>[]): Promise<void> {
    try {
      const results = await this.run(group.map((w) => w.job));
      group.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      for (const w of group) await this.runGroup([w]);
    }
  }
}
