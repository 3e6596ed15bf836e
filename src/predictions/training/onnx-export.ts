import { GraphBuilder } from "../../models/onnx/graph-builder";
import type { BlendModel } from "./blend";
import type { GbdtModel } from "./gbdt";
import { logisticRawCoefficients, type LogisticModel } from "./logistic";

/** A model any trainer produces. */
export type TrainedModel = LogisticModel | GbdtModel | BlendModel;

/** Input and output names every predictions graph shares: features [batch, d] → probability [batch, 1]. */
export const PREDICTION_INPUT = "features";
export const PREDICTION_OUTPUT = "probability";

/** LR as MatMul → Add → Sigmoid with the standardization folded into the weights. */
export function exportLogistic(model: LogisticModel): Uint8Array {
  const d = model.features.length;
  const g = new GraphBuilder({ name: "logistic_regression", docString: `features: ${model.features.join(",")}` });
  const x = g.input(PREDICTION_INPUT, "float", ["batch", d]);
  const { weights, bias } = logisticRawCoefficients(model);
  const w = g.initializer("weights", "float", [d, 1], weights);
  const b = g.initializer("bias", "float", [1], [bias]);
  const logit = g.op("Add", [g.op("MatMul", [x, w]), b]);
  g.op("Sigmoid", [logit], {}, PREDICTION_OUTPUT);
  g.output(PREDICTION_OUTPUT, "float", ["batch", 1]);
  return g.meta("kindred.kind", "logistic").build();
}

/** The trees as one ai.onnx.ml TreeEnsembleRegressor node (sum of leaves + base score), every value scaled by `scale`. */
function treeEnsemble(g: GraphBuilder, x: string, model: GbdtModel, scale = 1): string {
  const attrs = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
    targetTree: [] as number[],
    targetNode: [] as number[],
    targetIds: [] as number[],
    targetWeights: [] as number[],
  };
  model.trees.forEach((tree, t) => {
    tree.forEach((node, k) => {
      attrs.treeIds.push(t);
      attrs.nodeIds.push(k);
      attrs.featureIds.push(node.leaf ? 0 : node.feature);
      attrs.values.push(node.leaf ? 0 : node.threshold);
      attrs.modes.push(node.leaf ? "LEAF" : "BRANCH_LEQ");
      attrs.trueIds.push(node.leaf ? 0 : node.left);
      attrs.falseIds.push(node.leaf ? 0 : node.right);
      attrs.missingTrue.push(0);
      if (node.leaf) {
        attrs.targetTree.push(t);
        attrs.targetNode.push(k);
        attrs.targetIds.push(0);
        attrs.targetWeights.push(node.value * scale);
      }
    });
  });
  return g.op(
    "TreeEnsembleRegressor",
    [x],
    {
      n_targets: 1,
      aggregate_function: "SUM",
      post_transform: "NONE",
      base_values: { floats: [model.baseScore * scale] },
      nodes_treeids: { ints: attrs.treeIds },
      nodes_nodeids: { ints: attrs.nodeIds },
      nodes_featureids: { ints: attrs.featureIds },
      nodes_values: { floats: attrs.values },
      nodes_modes: attrs.modes,
      nodes_truenodeids: { ints: attrs.trueIds },
      nodes_falsenodeids: { ints: attrs.falseIds },
      nodes_missing_value_tracks_true: { ints: attrs.missingTrue },
      target_treeids: { ints: attrs.targetTree },
      target_nodeids: { ints: attrs.targetNode },
      target_ids: { ints: attrs.targetIds },
      target_weights: { floats: attrs.targetWeights },
    },
    undefined,
    "ai.onnx.ml",
  );
}

/** GBDT as ai.onnx.ml TreeEnsembleRegressor (sum of leaves + base score) → Sigmoid. */
export function exportGbdt(model: GbdtModel): Uint8Array {
  const d = model.features.length;
  const g = new GraphBuilder({ name: "gradient_boosted_trees", opsets: { "ai.onnx.ml": 3 }, docString: `features: ${model.features.join(",")}` });
  const x = g.input(PREDICTION_INPUT, "float", ["batch", d]);
  g.op("Sigmoid", [treeEnsemble(g, x, model)], {}, PREDICTION_OUTPUT);
  g.output(PREDICTION_OUTPUT, "float", ["batch", 1]);
  return g.meta("kindred.kind", "gbdt").build();
}

/** Blend: the GBDT's scaled trees plus the scaled logistic MatMul → Add → Sigmoid (weights folded into both). */
export function exportBlend(model: BlendModel): Uint8Array {
  const d = model.features.length;
  const g = new GraphBuilder({ name: "gbdt_logistic_blend", opsets: { "ai.onnx.ml": 3 }, docString: `features: ${model.features.join(",")}` });
  const x = g.input(PREDICTION_INPUT, "float", ["batch", d]);
  const trees = treeEnsemble(g, x, model.gbdt, model.gbdtWeight);
  const { weights, bias } = logisticRawCoefficients(model.logistic);
  const lrScale = 1 - model.gbdtWeight;
  const w = g.initializer("weights", "float", [d, 1], weights.map((v) => v * lrScale));
  const b = g.initializer("bias", "float", [1], [bias * lrScale]);
  const logit = g.op("Add", [trees, g.op("Add", [g.op("MatMul", [x, w]), b])]);
  g.op("Sigmoid", [logit], {}, PREDICTION_OUTPUT);
  g.output(PREDICTION_OUTPUT, "float", ["batch", 1]);
  return g.meta("kindred.kind", "blend").build();
}

export function exportModel(model: TrainedModel): Uint8Array {
  if (model.kind === "logistic") return exportLogistic(model);
  return model.kind === "gbdt" ? exportGbdt(model) : exportBlend(model);
}
