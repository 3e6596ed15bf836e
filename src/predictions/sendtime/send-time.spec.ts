import { HOURS_PER_WEEK, bestHour, countsOf, estimateSendTime, hourDistance, hourOfWeek, posterior, windowMass } from "./send-time";

describe("best send time", () => {
  const workspace = countsOf([...Array(30).fill(hourOfWeek(2, 10)), ...Array(10).fill(hourOfWeek(5, 18))]);

  it("should give the hand-computed posterior mean when a person has few observations", () => {
    const person = countsOf([hourOfWeek(5, 18), hourOfWeek(5, 18)]);
    const prior = workspace.map((c) => c / 40);
    const p = posterior(person, prior, 5);
    // θ(Fri 18) = (2 + 5·0.25) / (2 + 5) = 3.25 / 7; θ(Tue 10) = 5·0.75 / 7
    expect(p[hourOfWeek(5, 18)]).toBeCloseTo(3.25 / 7, 12);
    expect(p[hourOfWeek(2, 10)]).toBeCloseTo(3.75 / 7, 12);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const estimate = estimateSendTime(person, workspace, null);
    expect(estimate).toMatchObject({ hourOfWeek: hourOfWeek(2, 10), source: "profile", observations: 2 });
    expect(estimate.personalWeight).toBeCloseTo(2 / 7, 12);
  });

  it("should follow the person's own pattern when they have much history", () => {
    const person = countsOf(Array(40).fill(hourOfWeek(5, 18)));
    const estimate = estimateSendTime(person, workspace, null);
    expect(estimate.hourOfWeek).toBe(hourOfWeek(5, 18));
    // (40 + 5·0.25) / 45 of the mass is at Fri 18.
    expect(estimate.confidence).toBeCloseTo(41.25 / 45, 12);
  });

  it("should fall back to the workspace's best hour when the person has no history", () => {
    const estimate = estimateSendTime(countsOf([]), workspace, null);
    expect(estimate).toMatchObject({ source: "workspace", observations: 0, personalWeight: 0 });
    expect(estimate.hourOfWeek).toBe(hourOfWeek(2, 10));
    expect(estimate.confidence).toBeCloseTo(0.75, 12);
  });

  it("should use the segment pattern before the workspace's when a segment is given", () => {
    const segment = countsOf(Array(20).fill(hourOfWeek(7, 9)));
    const estimate = estimateSendTime(countsOf([]), workspace, segment);
    expect(estimate.source).toBe("segment");
    expect(hourDistance(estimate.hourOfWeek, hourOfWeek(7, 9))).toBeLessThanOrEqual(2);
  });

  it("should report no estimate when nobody has any activity", () => {
    expect(estimateSendTime(countsOf([]), countsOf([]), null)).toMatchObject({ source: "none", confidence: 0 });
  });

  it("should wrap windows and distances around the end of the week", () => {
    expect(hourDistance(0, HOURS_PER_WEEK - 1)).toBe(1);
    const p = new Array(HOURS_PER_WEEK).fill(0);
    p[HOURS_PER_WEEK - 1] = 0.5;
    p[1] = 0.5;
    expect(windowMass(p, 0, 2)).toBe(1);
    expect(bestHour(p, 2).hour).toBe(1);
  });
});
