import type { DataSource } from "typeorm";
import { DomainBus, type RemoteTransport } from "../common/bus";
import { ProfileChangeHooks } from "./profile-hooks";
import { onProfileInvalidated, ProfileChangePublisher } from "./profile-changes";

// Two buses joined in memory, as two instances joined by NOTIFY.
function pair(): [DomainBus, DomainBus] {
  const a = new DomainBus();
  const b = new DomainBus();
  const handlers: ((m: string) => void)[] = [];
  const transport: RemoteTransport = { send: async (m) => handlers.forEach((h) => h(m)), onMessage: (h) => void handlers.push(h), close: async () => undefined };
  a.attach(transport, (e) => { throw e; });
  b.attach(transport, (e) => { throw e; });
  return [a, b];
}

function instance(bus: DomainBus) {
  const hooks = new ProfileChangeHooks();
  const publisher = new ProfileChangePublisher({ manager: {} } as DataSource, hooks, bus);
  publisher.start();
  const dropped: string[] = [];
  onProfileInvalidated(hooks, bus, "cache", (w, p) => dropped.push(`${w}/${p}`));
  return { publisher, dropped };
}

describe("profile invalidation", () => {
  it("should invalidate a changed profile once on this instance and once on the other when ingestion publishes", async () => {
    const [a, b] = pair();
    const here = instance(a);
    const there = instance(b);
    await here.publisher.publish([
      { workspaceId: "w", profileId: "p1", changed: ["events"] },
      { workspaceId: "w", profileId: "p2", changed: ["events"] },
      { workspaceId: "w", profileId: "p3", changed: ["merge"], mergedProfileId: "p4" },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(here.dropped.sort()).toEqual(["w/p1", "w/p2", "w/p3", "w/p4"]);
    expect(there.dropped.sort()).toEqual(["w/p1", "w/p2", "w/p3", "w/p4"]);
  });
});
