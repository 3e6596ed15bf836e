import type { KindredModule } from "../common/kernel";
import { workspacesModule } from "../workspaces/workspaces.module";
import { auditModule } from "../workspaces/audit.module";
import { jobsModule } from "../jobs/jobs.module";
import { catalogModule } from "../catalog/catalog.module";
import { profilesModule } from "../profiles/profiles.module";
import { privacyModule } from "../privacy/consent.module";
import { dataRightsModule } from "../privacy/privacy.module";
import { eventsModule } from "../events/events.module";
import { modelsModule } from "../models/models.module";
import { segmentsModule } from "../segments/segments.module";
import { recommendationsModule } from "../recommendations/recommendations.module";
import { predictionsModule } from "../predictions/predictions.module";
import { experimentsModule } from "../experiments/experiments.module";
import { renderingModule } from "../rendering/rendering.module";

/**
 * Every module of Kindred, lowest layer first. A new module adds itself here and nowhere else
 * in the server: its entities, resolvers, routes and jobs come with it.
 */
export const kindredModules: KindredModule[] = [
  // layer 1: tenancy (and job runs, which every module reports through)
  workspacesModule,
  auditModule,
  jobsModule,
  // layer 2: customer data
  catalogModule,
  profilesModule,
  privacyModule,
  dataRightsModule,
  eventsModule,
  // layer 3: decisions
  modelsModule,
  segmentsModule,
  recommendationsModule,
  predictionsModule,
  // layer 4: delivery (experiments before rendering: rendering calls EXPERIMENTS)
  experimentsModule,
  renderingModule,
];

export const allEntities = kindredModules.flatMap((m) => m.entities);
