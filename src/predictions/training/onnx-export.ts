import { GraphBuilder } from "../../models/onnx/graph-builder";
import type { GbdtModel } from "./gbdt";
import { logisticRawCoefficients, type LogisticModel } from "./logistic";

/** A model either trainer produces. */
export type TrainedModel = LogisticModel | GbdtModel;

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

/** GBDT as ai.onnx.ml TreeEnsembleRegressor (sum of leaves + base score) → Sigmoid. */
export function exportGbdt(model: GbdtModel): Uint8Array {
  const d = model.features.length;
  const g = new GraphBuilder({ name: "gradient_boosted_trees", opsets: { "ai.onnx.ml": 3 }, docString: `features: ${model.features.join(",")}` });
  const x = g.input(PREDICTION_INPUT, "float", ["batch", d]);
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
        attrs.targetWeights.push(node.value);
      }
    });
  });
  const raw = g.op(
    "TreeEnsembleRegressor",
    [x],
    {
      n_targets: 1,
      aggregate_function: "SUM",
      post_transform: "NONE",
      base_values: { floats: [model.baseScore] },
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
  g.op("Sigmoid", [raw], {}, PREDICTION_OUTPUT);
  g.output(PREDICTION_OUTPUT, "float", ["batch", 1]);
  return g.meta("kindred.kind", "gbdt").build();
}

export function exportModel(model: TrainedModel): Uint8Array {
  return model.kind === "logistic" ? exportLogistic(model) : exportGbdt(model);
}
