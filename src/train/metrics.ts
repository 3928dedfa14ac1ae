import type { Graph } from '../compiler/graph.js';
import { ModelError } from '../runtime/errors.js';
import type { Tensor } from '../tensor/tensor.js';

export type MetricName = 'accuracy' | 'mse' | 'mae';

/**
 * How a metric reads a batch: which node holds the prediction, which input the target, and
 * how a prediction counts as right. Accuracy follows the loss (spec-format.md): argmax for
 * cross_entropy/nll_loss, p >= 0.5 for binary_cross_entropy, logit >= 0 for bce_with_logits.
 */
export interface MetricPlan {
  prediction: string;
  target: string;
  metrics: MetricName[];
  rule: 'argmax' | 'threshold' | 'regression';
  threshold: number;
}

const CLASS_LOSSES = new Set(['cross_entropy', 'nll_loss']);

export function planMetrics(graph: Graph, metrics: readonly MetricName[]): MetricPlan | null {
  if (metrics.length === 0) return null;
  const lossNode = graph.nodes.find((n) => n.name === graph.loss);
  if (!lossNode || lossNode.inputs.length < 2) {
    throw new ModelError(
      `metrics ${metrics.join(', ')} need a loss of the form loss_fn(prediction, target); spec '${graph.name}' has ${lossNode ? `'${lossNode.op}'` : 'no loss'}`,
    );
  }
  const [prediction, target] = lossNode.inputs;
  const op = lossNode.op;
  const byValue = metrics.filter((m) => m === 'mse' || m === 'mae');
  if (CLASS_LOSSES.has(op) && byValue.length > 0) {
    throw new ModelError(
      `metric '${byValue[0]}' compares predictions with targets value by value, but ${op}'s targets are class indices (spec '${graph.name}'); use accuracy`,
    );
  }
  if (metrics.includes('accuracy')) {
    // Accuracy counts one answer per example, read from the batch's target input: a target the
    // graph computes, or several per example (a language model's [batch, T]), would be
    // miscounted, so it is refused.
    const input = graph.inputs.find((i) => i.name === target);
    if (!input?.shape.slice(1).every((d) => d === 1)) {
      const node = graph.nodes.find((n) => n.name === target);
      const shape = input?.shape ?? node?.shape ?? [];
      throw new ModelError(
        `metric 'accuracy' counts one class per example, so the loss's target must be an input of shape [batch] (or [batch, 1]); '${target}' is ${input ? 'an input' : 'computed by the graph'} of shape [${shape.join(', ')}] (spec '${graph.name}')`,
      );
    }
    if (CLASS_LOSSES.has(op))
      return { prediction, target, metrics: [...metrics], rule: 'argmax', threshold: 0 };
    if (op === 'binary_cross_entropy' || op === 'bce_with_logits') {
      const threshold = op === 'bce_with_logits' ? 0 : 0.5;
      return { prediction, target, metrics: [...metrics], rule: 'threshold', threshold };
    }
    throw new ModelError(
      `metric 'accuracy' follows the loss, which must be cross_entropy, nll_loss, binary_cross_entropy or bce_with_logits (spec '${graph.name}' uses ${op})`,
    );
  }
  return { prediction, target, metrics: [...metrics], rule: 'regression', threshold: 0 };
}

/** Sums over the samples seen so far; `result()` gives the means. */
export class MetricTotals {
  private samples = 0;
  private lossSum = 0;
  private correct = 0;
  private squared = 0;
  private absolute = 0;
  private elements = 0;

  constructor(private readonly plan: MetricPlan | null) {}

  add(loss: number, batchSize: number, prediction?: Tensor, target?: Tensor): void {
    this.samples += batchSize;
    this.lossSum += loss * batchSize;
    if (!this.plan || !prediction || !target) return;
    const p = prediction.storage;
    const t = target.storage;
    if (this.plan.rule === 'argmax') {
      const classes = prediction.shape[prediction.rank - 1];
      for (let i = 0; i < t.length; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
        if (best === t[i]) this.correct++;
      }
    } else if (this.plan.rule === 'threshold') {
      for (let i = 0; i < t.length; i++)
        if ((p[i] >= this.plan.threshold ? 1 : 0) === t[i]) this.correct++;
    }
    for (let i = 0; i < p.length; i++) {
      const d = p[i] - t[i % t.length];
      this.squared += d * d;
      this.absolute += Math.abs(d);
    }
    this.elements += p.length;
  }

  get count(): number {
    return this.samples;
  }

  result(): Record<string, number> {
    const out: Record<string, number> = { loss: this.lossSum / this.samples };
    for (const metric of this.plan?.metrics ?? []) {
      if (metric === 'accuracy') out.accuracy = this.correct / this.samples;
      if (metric === 'mse') out.mse = this.squared / this.elements;
      if (metric === 'mae') out.mae = this.absolute / this.elements;
    }
    return out;
  }

  /** The running sums, to carry a half-finished epoch across a checkpoint. */
  getState(): number[] {
    return [this.samples, this.lossSum, this.correct, this.squared, this.absolute, this.elements];
  }

  setState(state: readonly number[]): void {
    [this.samples, this.lossSum, this.correct, this.squared, this.absolute, this.elements] = state;
  }
}
