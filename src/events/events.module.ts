import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { PROFILE_CHANGES, PROFILES } from "../profiles/profiles.module";
import { updateRfm } from "../profiles/rfm";
import { CONSENT } from "../privacy/consent.module";
import { StoredEvent } from "./event.entity";
import { EventTypeDefinition } from "./event-type.entity";
import { EventTypesService } from "./event-types.service";
import { EventResolver } from "./event.resolver";
import { IngestionService } from "./ingestion.service";
import { RejectedEvent } from "./rejected-event.entity";
import { recomputeFromEvents, refreshComputed } from "./trait-updater";

/** ingest(workspaceId, events, options?) → EventResult[] per event: the path GraphQL, tracking links and the importer share. */
export const EVENT_INGESTION = new ServiceKey<IngestionService>("eventIngestion");
/** Custom event types (register, list, schemasFor). */
export const EVENT_TYPES = new ServiceKey<EventTypesService>("eventTypes");

/** Event ingestion, validation, quarantine and computed-trait maintenance. */
export const eventsModule: KindredModule = {
  name: "events",
  entities: [StoredEvent, RejectedEvent, EventTypeDefinition],
  create(kernel, modules) {
    const profiles = modules.get(PROFILES);
    const types = new EventTypesService(kernel.dataSource);
    const ingestion = new IngestionService(kernel.dataSource, profiles.identity, modules.get(CONSENT), types, modules.get(PROFILE_CHANGES), kernel.clock, {
      maxFutureSkewSeconds: kernel.config.limits.eventMaxFutureSkewSeconds,
      maxAgeDays: kernel.config.limits.eventMaxAgeDays,
    });
    // Merges move events to the survivor and rebuild its computed traits from them.
    profiles.identity.registerMergeStep("events", async (m, ws, losers, survivor) => {
      await m.query(`UPDATE events SET profile_id = $2 WHERE workspace_id = $1 AND profile_id = ANY($3::uuid[])`, [ws, survivor, losers]);
      await recomputeFromEvents(m, ws, [survivor], kernel.clock.now().getTime());
    });
    kernel.jobs.define<{ workspaceId?: string }, { profiles: number; rfm: number }>({
      kind: "profiles.refresh-computed",
      schedule: "17 3 * * *",
      expireInSeconds: 3600,
      async handle(ctx) {
        const ws = ctx.params?.workspaceId ?? ctx.workspaceId ?? null;
        const refreshed = await refreshComputed(kernel.dataSource.manager, ws, kernel.clock.now().getTime());
        await ctx.progress(0.8, `refreshed ${refreshed} profiles`);
        const rfm = await updateRfm(kernel.dataSource.manager, ws);
        return { profiles: refreshed, rfm };
      },
    });
    modules.provide(EVENT_INGESTION, ingestion);
    modules.provide(EVENT_TYPES, types);
    return { resolvers: [new EventResolver(ingestion, types, kernel.config.limits.maxEventBatch)] };
  },
};
