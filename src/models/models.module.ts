import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { ModelRegistry } from "./model-registry";
import { ModelVersion } from "./model-version.entity";
import { ModelsResolver } from "./models.resolver";
import { TrainerCatalog } from "./trainers";
import { TRAIN_JOB, trainJobHandler, type TrainJobParams } from "./train-job";

/** The model registry: stage/activate/rollback versions, active(kind), one ONNX session per version. */
export const MODEL_REGISTRY = new ServiceKey<ModelRegistry>("modelRegistry");
/** Trainable kinds: modules register their trainers here (`register({ kind, train })`). */
export const MODEL_TRAINERS = new ServiceKey<TrainerCatalog>("modelTrainers");

/** Model registry, ONNX sessions, training jobs. */
export const modelsModule: KindredModule = {
  name: "models",
  entities: [ModelVersion],
  create(kernel, modules) {
    const registry = new ModelRegistry(kernel.dataSource, kernel.bus, kernel.logger, kernel.clock);
    const trainers = new TrainerCatalog();
    modules.provide(MODEL_REGISTRY, registry);
    modules.provide(MODEL_TRAINERS, trainers);
    const deps = { registry, trainers, dataSource: kernel.dataSource, logger: kernel.logger, clock: kernel.clock };
    kernel.jobs.define<TrainJobParams, unknown>({ kind: TRAIN_JOB, handle: trainJobHandler(deps), expireInSeconds: 3600 });
    const enqueue = (workspaceId: string, params: TrainJobParams) => kernel.jobs.enqueue(TRAIN_JOB, workspaceId, params);
    return {
      resolvers: [new ModelsResolver(registry, trainers, enqueue)],
      stop: () => registry.close(),
    };
  },
};
