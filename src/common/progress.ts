/** Progress for long CLI work: a bar on a terminal, plain lines elsewhere (CI, logs). */
export class Progress {
  private lastPrinted = 0;
  private readonly started = Date.now();
  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, note = ""): void {
    const now = Date.now();
    const tty = Boolean(this.out.isTTY);
    if (now - this.lastPrinted < (tty ? 100 : 5000)) return;
    this.lastPrinted = now;
    this.print(done, note, tty);
  }

  finish(done: number, note = ""): void {
    this.print(done, note, Boolean(this.out.isTTY));
    if (this.out.isTTY) this.out.write("\n");
  }

  private print(done: number, note: string, tty: boolean): void {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const share = this.total ? Math.min(1, done / this.total) : undefined;
    const counts = this.total ? `${done}/${this.total}` : `${done}`;
    const suffix = `${counts} ${rate}/s ${seconds.toFixed(1)}s ${note}`.trimEnd();
    if (tty && share !== undefined) {
      const width = 30;
      const filled = Math.round(share * width);
      this.out.write(`\r${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(share * 100).toFixed(0)}% ${suffix}`);
    } else if (tty) {
      this.out.write(`\r${this.label} ${suffix}`);
    } else {
      this.out.write(`${this.label}: ${suffix}\n`);
    }
  }
}
