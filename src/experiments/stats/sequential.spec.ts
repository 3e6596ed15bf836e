import { msprt } from "./sequential";
import { seededRandom } from "../../common/random";
import { normalQuantile } from "./special";

describe("mSPRT sequential testing", () => {
  it("should put the p-value at alpha exactly on the confidence sequence's edge", () => {
    const se = 0.01;
    const tau = 0.02;
    const edge = msprt(0, se, tau, 0.05).interval[1];
    expect(msprt(edge, se, tau, 0.05).pValue).toBeCloseTo(0.05, 10);
  });

  it("should be more conservative than a fixed-horizon z-test when looking once", () => {
    const se = 0.01;
    const diff = 1.96 * se * 1.05; // just significant at a single look
    expect(msprt(diff, se, 0.02).significant).toBe(false);
  });

  it("should keep false positives below alpha when an A/A test is watched after every batch", () => {
    // 250 simulated A/A tests, 50 looks each (batches of 100 per arm, rate 10%). Peeking with a
    // fixed z-test at every look would reject far more than 5%; the mSPRT must stay ≤ 5%.
    const random = seededRandom(2026);
    let mSprtRejections = 0;
    let naiveRejections = 0;
    const z = normalQuantile(0.975);
    for (let sim = 0; sim < 250; sim++) {
      let sa = 0, sb = 0, n = 0;
      let rejected = false, naive = false;
      for (let look = 0; look < 50; look++) {
        for (let i = 0; i < 100; i++) {
          if (random() < 0.1) sa++;
          if (random() < 0.1) sb++;
        }
        n += 100;
        const pa = sa / n, pb = sb / n;
        const se = Math.sqrt((pa * (1 - pa) + pb * (1 - pb)) / n);
        if (msprt(pb - pa, se, 0.01).significant) rejected = true;
        if (Math.abs(pb - pa) / se > z) naive = true;
      }
      if (rejected) mSprtRejections++;
      if (naive) naiveRejections++;
    }
    expect(mSprtRejections / 250).toBeLessThanOrEqual(0.05);
    expect(naiveRejections / 250).toBeGreaterThan(0.1);
  });

  it("should detect a real lift when the sample grows", () => {
    const n = 20000;
    const pa = 0.1, pb = 0.12;
    const se = Math.sqrt((pa * (1 - pa) + pb * (1 - pb)) / n);
    expect(msprt(pb - pa, se, 0.01).significant).toBe(true);
  });
});
