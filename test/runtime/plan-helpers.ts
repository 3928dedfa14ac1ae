import { backward, compileSpec, type Model, Rng, SGD, Tensor } from '../../src/index.js';

/** Random inputs for every declared input of `model`, with `batch` for each symbolic dim. */
export function randomInputs(model: Model, batch: number, rng: Rng): Record<string, Tensor> {
  const given: Record<string, Tensor> = {};
  const lossNode = model.graph.nodes.find((n) => n.name === model.graph.loss);
  const scores = model.graph.nodes.find((n) => n.name === lossNode?.inputs[0]);
  const classes = Number(scores?.shape[scores.shape.length - 1] ?? 2);
  for (const input of model.graph.inputs) {
    const shape = input.shape.map((d) => (typeof d === 'number' ? d : batch));
    const n = shape.reduce((a, b) => a * b, 1);
    const values =
      input.dtype === 'int32'
        ? Int32Array.from({ length: n }, () => rng.int(classes))
        : input.name.startsWith('y')
          ? Float32Array.from({ length: n }, () => rng.int(2))
          : Float32Array.from({ length: n }, () => rng.normal());
    given[input.name] = new Tensor(values, shape);
  }
  return given;
}

export interface TrainResult {
  params: Float32Array[];
  grads: Float32Array[];
  losses: number[];
  gradFns: (string | undefined)[];
}

/**
 * Trains a fresh model of `spec` for `steps` SGD-with-momentum steps on random batches (every
 * third one a partial batch of 3), with the plan on or off; same seeds both ways.
 */
export function trainSteps(spec: string, plan: boolean, steps = 6): TrainResult {
  const model = compileSpec(spec, { seed: 4 }).usePlan(plan);
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const rng = new Rng(9);
  const losses: number[] = [];
  const gradFns: (string | undefined)[] = [];
  for (let step = 0; step < steps; step++) {
    const inputs = randomInputs(model, step % 3 === 2 ? 3 : 8, rng);
    optimizer.zeroGrad({ setToNone: false });
    const loss = model.loss(inputs);
    losses.push(loss.item());
    gradFns.push(loss.gradFn?.name);
    backward(loss);
    optimizer.step();
  }
  const trainable = model.parameters().filter((p) => p.requiresGrad);
  return {
    params: model.parameters().map((p) => Float32Array.from(p.storage)),
    grads: trainable.map((p) => Float32Array.from(p.grad?.storage ?? [])),
    losses,
    gradFns,
  };
}
