import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { ServiceLookup } from "./adapters/ports";
import { ContentBlock, ContentBlockVersion } from "./content-block.entity";
import { createLiquid } from "./liquid-engine";
import { RenderContextLoader } from "./render-context";
import { RenderService } from "./render.service";
import { previewRoute, trackingRoutes } from "./rendering.routes";
import { RenderingResolver } from "./rendering.resolver";
import { Template, TemplateVersion } from "./template.entity";
import { TemplateService } from "./template.service";
import { TrackingRecorder } from "./tracking-events";
import { trackingKey } from "./tracking-token";

/** What rendering offers other code (CLI, benchmarks): templates and the batch renderer. */
export interface RenderingServices {
  templates: TemplateService;
  renderer: RenderService;
}

export const RENDERING = new ServiceKey<RenderingServices>("rendering");

/** Public base of tracking links: KINDRED_PUBLIC_URL when configured, else the local server. */
function publicUrlOf(config: { port: number; publicUrl?: string }): string {
  return config.publicUrl ?? `http://localhost:${config.port || 4000}`;
}

/** Templates (MJML + Liquid), content blocks, compile cache, batch renders, tracking links and previews. */
export const renderingModule: KindredModule = {
  name: "rendering",
  entities: [Template, TemplateVersion, ContentBlock, ContentBlockVersion],
  create(kernel, modules) {
    const engines = { html: createLiquid(true), text: createLiquid(false) };
    // services of other modules are looked up on use, so module order never matters here
    const lookup = new ServiceLookup(modules);
    const loader = new RenderContextLoader(kernel.dataSource, lookup);
    const templates = new TemplateService(kernel.dataSource, engines, (sources) => loader.unavailable(sources));
    const key = trackingKey(kernel.config.secret);
    const renderer = new RenderService(engines, loader, lookup, kernel.clock, kernel.logger, publicUrlOf(kernel.config), key, (base, overrides) => templates.compiledVariant(base, overrides));
    const recorder = new TrackingRecorder(kernel.dataSource, lookup, kernel.logger);
    modules.provide(RENDERING, { templates, renderer });
    return {
      resolvers: [new RenderingResolver(templates, renderer, lookup)],
      routes: [...trackingRoutes(key, kernel.clock, recorder), previewRoute(templates, renderer)],
    };
  },
};
