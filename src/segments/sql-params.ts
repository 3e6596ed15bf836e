/** Collects bind parameters for one statement; every user value goes through `add`, never into the text. */
export class SqlParams {
  readonly values: unknown[];
  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }
  /** Adds a value and returns its placeholder with an explicit cast. */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}
