import { GroupRunner } from "./group-runner";

describe("GroupRunner", () => {
  const deferred = () => {
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    return { done, release };
  };

  it("should run jobs submitted while a group runs together as the next group", async () => {
    const groups: number[][] = [];
    const gate = deferred();
    const runner = new GroupRunner<number, number>(async (jobs) => {
      groups.push(jobs);
      if (groups.length === 1) await gate.done;
      return jobs.map((j) => j * 10);
    }, () => 1, 100);
    const first = runner.submit(1);
    const rest = [runner.submit(2), runner.submit(3)];
    gate.release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30]);
    expect(groups).toEqual([[1], [2, 3]]);
  });

  it("should stop a group at the size limit when jobs queue up", async () => {
    const groups: number[][] = [];
    const gate = deferred();
    const runner = new GroupRunner<number, number>(async (jobs) => {
      groups.push(jobs);
      if (groups.length === 1) await gate.done;
      return jobs;
    }, (j) => j, 5);
    const all = [runner.submit(1), runner.submit(3), runner.submit(2), runner.submit(4)];
    gate.release();
    await Promise.all(all);
    expect(groups).toEqual([[1], [3, 2], [4]]);
  });

  it("should fail only the failing job when a group fails", async () => {
    const gate = deferred();
    let calls = 0;
    const runner = new GroupRunner<number, string>(async (jobs) => {
      if (calls++ === 0) await gate.done;
      if (jobs.includes(13)) throw new Error("bad job");
      return jobs.map(String);
    }, () => 1, 100);
    const first = runner.submit(1);
    const good = runner.submit(2);
    const bad = runner.submit(13);
    gate.release();
    await expect(first).resolves.toBe("1");
    await expect(good).resolves.toBe("2");
    await expect(bad).rejects.toThrow("bad job");
  });
});
