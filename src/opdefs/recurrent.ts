import {
  type Cell,
  GATES,
  type RecurrentDims,
  recurrentBackward,
  recurrentForward,
} from '../kernels/recurrent.js';
import type { Storage } from '../tensor/dtype.js';
import { attrList, bool, float, int } from './attrs.js';
import { type Dim, formatShape, productOf } from './dims.js';
import { type ExampleInput, randn } from './examples.js';
import { CODES, ShapeIssue } from './shape-issue.js';
import { floatDtype } from './shape-rules.js';
import type {
  AttrDef,
  Attrs,
  BackwardCall,
  ForwardCall,
  InferMode,
  ModuleKind,
  ModuleParam,
  OpSource,
  ValueInfo,
} from './types.js';

// What rnn, gru and lstm share: one list operand [input, then torch's flat parameter list], the
// shape rule, the calls into the kernels (src/kernels/recurrent.ts), the module kind with torch's
// parameter names and init, and example inputs. Each op's own file says which cell it runs.

export type RecurrentAttrs = { layers: number; dropout: number } & Attrs;

export const RECURRENT_ATTRS = {
  layers: int(1, 'stacked layers, each fed the output sequence of the one below', { min: 1 }),
  dropout: float(
    0,
    'while training, dropout with this probability on the output of every layer but the last',
    { min: 0, max: 1 },
  ),
};

/** torch's names of the parameters, in its flat order: per layer the weights, then the biases. */
export function parameterNames(layers: number, bias: boolean): string[] {
  const kinds = bias
    ? ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']
    : ['weight_ih', 'weight_hh'];
  return Array.from({ length: layers }, (_, l) => kinds.map((k) => `${k}_l${l}`)).flat();
}

const differ = (a: Dim, b: Dim) =>
  typeof a === 'string' || typeof b === 'string' ? CODES.symbolic : CODES.contraction;

/**
 * The shape rule: input [batch, time, in] (or unbatched [time, in]), then per layer weight_ih
 * [gates·hidden, in of the layer], weight_hh [gates·hidden, hidden] and, for all layers or none,
 * bias_ih and bias_hh [gates·hidden]; the result is [batch, time, hidden] ([time, hidden]).
 */
function inferRecurrent(
  name: string,
  gates: number,
  args: readonly ValueInfo[],
  attrs: RecurrentAttrs,
  mode: InferMode,
): ValueInfo {
  const [x, ...params] = args;
  const { layers } = attrs;
  if (x.shape.length !== 2 && x.shape.length !== 3) {
    throw new ShapeIssue(
      CODES.axis,
      `${name} needs an input [batch, time, features] (or [time, features]), got ${formatShape(x.shape)}`,
      0,
    );
  }
  // torch refuses an empty sequence (there is no output state to give).
  if (x.shape[x.shape.length - 2] === 0) {
    throw new ShapeIssue(
      CODES.axis,
      `${name} needs at least one time step, got an input ${formatShape(x.shape)}`,
      0,
    );
  }
  if (params.length !== 2 * layers && params.length !== 4 * layers) {
    const names = (bias: boolean) => parameterNames(1, bias).join(', ');
    throw new ShapeIssue(
      'MS206',
      `${name} with layers=${layers} takes the input and then ${2 * layers} weights (${names(false)} for each layer) or ${4 * layers} with biases (${names(true)} for each layer), got ${params.length} after the input`,
      undefined,
      true,
    );
  }
  const bias = params.length === 4 * layers;
  const names = parameterNames(layers, bias);
  const dtype = floatDtype(name, args, ['input', ...names], mode);
  const wHh = params[1];
  if (wHh.shape.length !== 2) {
    throw new ShapeIssue(
      CODES.axis,
      `${name} needs weight_hh_l0 [${gates === 1 ? '' : `${gates}·`}hidden, hidden], got ${formatShape(wHh.shape)}`,
      2,
    );
  }
  const hidden = wHh.shape[1];
  const rows = productOf([gates, hidden]);
  const features = x.shape[x.shape.length - 1];
  params.forEach((p, i) => {
    const kind = names[i].replace(/_l\d+$/, '');
    const inWidth = i < (bias ? 4 : 2) ? features : hidden;
    const want =
      kind === 'weight_ih' ? [rows, inWidth] : kind === 'weight_hh' ? [rows, hidden] : [rows];
    const sameRank = p.shape.length === want.length;
    const at = sameRank ? p.shape.findIndex((d, k) => d !== want[k]) : 0;
    if (sameRank && at === -1) return;
    const what =
      kind === 'weight_ih'
        ? `${gates === 1 ? '' : `${gates}·`}hidden rows and the ${i < (bias ? 4 : 2) ? "input's features" : 'hidden size'} as columns`
        : kind === 'weight_hh'
          ? `${gates === 1 ? '' : `${gates}·`}hidden rows and hidden columns`
          : `${gates === 1 ? '' : `${gates}·`}hidden values`;
    throw new ShapeIssue(
      sameRank ? differ(p.shape[at], want[at]) : CODES.contraction,
      `${name} needs ${names[i]} of shape ${formatShape(want)} (${what}; hidden ${hidden} from weight_hh_l0 ${formatShape(wHh.shape)}), got ${formatShape(p.shape)}`,
      i + 1,
    );
  });
  return { shape: [...x.shape.slice(0, -1), hidden], dtype };
}

/** The scaled dropout masks of layers 1.. (time-major), or nulls when dropout is 0. */
function masksOf(call: ForwardCall<RecurrentAttrs, RecurrentDims>): (Storage | null)[] {
  const d = call.prepared;
  const size = d.time * d.batch * d.hidden;
  return Array.from({ length: d.layers }, (_, l) =>
    l === 0 || call.attrs.dropout === 0 ? null : call.scratch(`mask${l}`, size),
  );
}

/**
 * Draws the masks as the dropout op would on each layer's output [batch, time, hidden]: element
 * by element in that order, kept when the uniform draw is ≥ p and then scaled by 1/(1 − p); in
 * eval mode they are ones.
 */
function drawMasks(call: ForwardCall<RecurrentAttrs, RecurrentDims>, masks: (Storage | null)[]) {
  const { batch: B, time: T, hidden: H } = call.prepared;
  const p = call.attrs.dropout;
  const { training, rng } = call.context;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (const mask of masks) {
    if (mask === null) continue;
    if (!training) {
      mask.fill(1);
      continue;
    }
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const at = (t * B + b) * H;
        for (let j = 0; j < H; j++) mask[at + j] = rng.uniform() >= p ? scale : 0;
      }
    }
  }
}

/**
 * The shared parts of a recurrent op's definition, for the cell `cellOf` picks from the
 * attributes (rnn's nonlinearity): shape rule, layout, forward and backward through time.
 */
export function recurrent<A extends RecurrentAttrs>(
  name: string,
  cellOf: (attrs: A) => Cell,
): Pick<
  OpSource<A, RecurrentDims>,
  'operands' | 'listOperand' | 'infer' | 'prepare' | 'forward' | 'backward' | 'saves' | 'uses'
> {
  return {
    operands: ['tensors'],
    listOperand: true,
    infer: (args, attrs, mode) => inferRecurrent(name, GATES[cellOf(attrs)], args, attrs, mode),
    prepare(shapes, _shape, attrs) {
      const x = shapes[0];
      const batched = x.length === 3;
      return {
        cell: cellOf(attrs),
        batch: batched ? x[0] : 1,
        time: x[batched ? 1 : 0],
        input: x[x.length - 1],
        hidden: shapes[2][1],
        layers: attrs.layers,
        bias: shapes.length - 1 === 4 * attrs.layers,
      };
    },
    forward(call) {
      const masks = masksOf(call);
      drawMasks(call, masks);
      const [x, ...params] = call.inputs;
      recurrentForward(call.prepared, x, params, call.out, masks, call.scratch);
    },
    backward(call: BackwardCall<A, RecurrentDims>) {
      const [gx, ...gparams] = call.grads;
      const params = call.inputs.slice(1);
      recurrentBackward(call.prepared, params, call.grad, gx, gparams, masksOf(call), call.scratch);
    },
    // Backward reads the weights; the input and every state were copied in forward.
    saves: ['operands'],
    uses: ['training', 'rng'],
  };
}

/**
 * The module kind (torch.nn.RNN / GRU / LSTM with batch_first=True): its arguments, the
 * parameters named and laid out as torch's, each initialised U(−1/√hidden, 1/√hidden) as
 * torch's reset_parameters does, and the op's attributes from the arguments.
 */
export function recurrentModule(
  kind: string,
  gates: number,
  opAttrs: readonly AttrDef[],
  extraArgs: Record<string, Omit<AttrDef, 'name'>> = {},
): ModuleKind {
  return {
    main: 'hidden',
    args: attrList({
      hidden: int(undefined, 'hidden features', { min: 1 }),
      layers: RECURRENT_ATTRS.layers,
      bias: bool(true, 'whether each layer adds the biases bias_ih and bias_hh'),
      dropout: RECURRENT_ATTRS.dropout,
      ...extraArgs,
    }),
    params(inShape, args, inName): ModuleParam[] | string {
      const features = inShape[inShape.length - 1];
      if (typeof features !== 'number') {
        return `${kind} layer needs a fixed number of input features, but its input '${inName}' is ${formatShape(inShape)}`;
      }
      const hidden = args.hidden as number;
      const bound = 1 / Math.sqrt(hidden);
      const init = { kind: 'uniform' as const, low: -bound, high: bound };
      return parameterNames(args.layers as number, args.bias as boolean).map((name) => {
        const inWidth = name.endsWith('_l0') ? features : hidden;
        const shape = name.startsWith('weight_ih')
          ? [gates * hidden, inWidth]
          : name.startsWith('weight_hh')
            ? [gates * hidden, hidden]
            : [gates * hidden];
        return { name, shape, init };
      });
    },
    attrs: (args) => Object.fromEntries(opAttrs.map((a) => [a.name, args[a.name]])),
  };
}

export interface RecurrentExample {
  /** null for an unbatched input [time, in]. */
  batch: number | null;
  time: number;
  input: number;
  hidden: number;
  layers?: number;
  bias?: boolean;
  /** The input's scale (the weights are N(0, 0.5²)). */
  scale?: number;
}

/** The operands of an example: the input, then the parameters in torch's flat order. */
export function recurrentInputs(
  gates: number,
  { batch, time, input, hidden, layers = 1, bias = true, scale = 1 }: RecurrentExample,
): ExampleInput[] {
  const x = randn(batch === null ? [time, input] : [batch, time, input], scale);
  const params = parameterNames(layers, bias).map((name) => {
    const inWidth = name.endsWith('_l0') ? input : hidden;
    const rows = gates * hidden;
    if (name.startsWith('weight_ih')) return randn([rows, inWidth], 0.5);
    if (name.startsWith('weight_hh')) return randn([rows, hidden], 0.5);
    return randn([rows], 0.5);
  });
  return [x, ...params];
}
