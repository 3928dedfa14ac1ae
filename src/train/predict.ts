import { noGrad } from '../autograd/grad-mode.js';
import { applyStandardizer } from '../data/index.js';
import type { Model } from '../runtime/model.js';
import { featureTensor, featureWidth, type TableInfo } from './training-data.js';

export interface Prediction {
  /** A class name where the training target had names, else the class index or the value. */
  prediction: string | number | number[];
  /** The raw output row (logits, probabilities or values). */
  output: number[];
}

/**
 * Runs the model in eval mode on rows of features (as the training data's columns) and reads
 * each row's answer the way the loss reads it: argmax for cross_entropy/nll_loss, p >= 0.5 for
 * binary_cross_entropy, logit >= 0 for bce_with_logits, the value itself otherwise.
 */
export function predictRows(
  model: Model,
  info: TableInfo,
  features: Float32Array,
  source: string,
): Prediction[] {
  const d = featureWidth(info);
  const scaled = info.standardizer ? applyStandardizer(features, d, info.standardizer) : features;
  const input = model.graph.inputs.find((i) => i.name === info.featureInput);
  if (!input)
    throw new Error(
      `the checkpoint binds features to '${info.featureInput}', which the spec lacks`,
    );
  const x = featureTensor(scaled, d, input, source);
  const loss = model.graph.nodes.find((n) => n.name === model.graph.loss);
  const outputName = loss?.inputs[0] ?? model.graph.outputs[0];
  const wasTraining = model.training;
  model.eval();
  const out = noGrad(() => model.run({ [info.featureInput]: x }, [outputName])[outputName]);
  if (wasTraining) model.train();
  const rows = x.shape[0];
  const width = out.size / rows;
  const name = (index: number) => (info.classes ? (info.classes[index] ?? index) : index);
  return Array.from({ length: rows }, (_, r) => {
    const output = Array.from(out.storage.subarray(r * width, (r + 1) * width));
    if (loss?.op === 'cross_entropy' || loss?.op === 'nll_loss') {
      const best = output.indexOf(Math.max(...output));
      return { prediction: name(best), output };
    }
    if (loss?.op === 'binary_cross_entropy' || loss?.op === 'bce_with_logits') {
      const threshold = loss.op === 'bce_with_logits' ? 0 : 0.5;
      return { prediction: name(output[0] >= threshold ? 1 : 0), output };
    }
    return { prediction: output.length === 1 ? output[0] : output, output };
  });
}
