import { linearForwardKernel, matmulKernel } from './backend.js';
import { sumAxis } from './reduce.js';
import type { NumArray } from './types.js';

// Multi-layer recurrent networks (torch's RNN, GRU and LSTM) over a sequence, forward and
// backward through time. Every product goes through the GEMM: the input projections of all
// time steps of a layer are one product ([time·batch, in] · W_ihᵀ), the recurrent projection
// h·W_hhᵀ one product per step, and the weight gradients one product per weight after the time
// loop. Inside the layers everything is time-major ([time, batch, features]), so that the
// states of one step are one contiguous [batch, hidden] block; the input, the output and their
// gradients are batch-major as torch's batch_first=True.

export type Cell = 'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm';

/** Gates per cell: weight_ih and weight_hh have gates·hidden rows, in torch's gate order. */
export const GATES: Readonly<Record<Cell, number>> = { rnn_tanh: 1, rnn_relu: 1, gru: 3, lstm: 4 };

export interface RecurrentDims {
  cell: Cell;
  batch: number;
  time: number;
  input: number;
  hidden: number;
  layers: number;
  /** Whether each layer has bias_ih and bias_hh after its two weights. */
  bias: boolean;
}

/**
 * Buffers by key, kept from forward to backward (the op's scratch): the states and gate values
 * of every step, and the temporaries, allocated once rather than per step.
 */
export type Workspace = (key: string, size: number) => NumArray;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** [a, b, width] -> [b, a, width]: batch-major to time-major, or back. */
function swapLeading(src: NumArray, out: NumArray, a: number, b: number, width: number): void {
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const from = (i * b + j) * width;
      const to = (j * a + i) * width;
      for (let k = 0; k < width; k++) out[to + k] = src[from + k];
    }
  }
}

interface LayerParams {
  wIh: NumArray;
  wHh: NumArray;
  bIh: NumArray | null;
  bHh: NumArray | null;
}

function layerParams(d: RecurrentDims, params: readonly NumArray[], layer: number): LayerParams {
  const at = layer * (d.bias ? 4 : 2);
  return {
    wIh: params[at],
    wHh: params[at + 1],
    bIh: d.bias ? params[at + 2] : null,
    bHh: d.bias ? params[at + 3] : null,
  };
}

/** The time-major input of a layer, as forward left it: [time·batch, width]. */
function layerInput(d: RecurrentDims, layer: number, dropped: boolean, work: Workspace): NumArray {
  const rows = d.time * d.batch;
  if (layer === 0) return work('x', rows * d.input);
  if (dropped) return work(`in${layer}`, rows * d.hidden);
  // The states of the layer below after h0: one contiguous block.
  return work(`h${layer - 1}`, (d.time + 1) * d.batch * d.hidden).subarray(d.batch * d.hidden);
}

/**
 * One step of a cell from the step's input projection `gi` (bias included) and recurrent
 * projection `gh` (bias included), both [batch, gates·hidden] at offsets `giAt` and 0: writes
 * the new state at `hAt` of `hs` (the previous one is at hAt − batch·hidden) and what backward
 * needs: the gate activations at `actAt` of `act` (r, z, n for gru; i, f, g, o for lstm), gru's
 * W_hn·h + b_hn at `extraAt` of `extra`, lstm's cell states in `cs` (at hAt, like hs) and
 * tanh(c) at `extraAt` of `extra`.
 */
function stepForward(
  cell: Cell,
  batch: number,
  hidden: number,
  gi: NumArray,
  giAt: number,
  gh: NumArray,
  hs: NumArray,
  hAt: number,
  act: NumArray,
  actAt: number,
  extra: NumArray,
  extraAt: number,
  cs: NumArray,
): void {
  const H = hidden;
  const prevAt = hAt - batch * H;
  if (cell === 'rnn_tanh' || cell === 'rnn_relu') {
    const relu = cell === 'rnn_relu';
    for (let i = 0; i < batch * H; i++) {
      const v = gi[giAt + i] + gh[i];
      hs[hAt + i] = relu ? Math.max(v, 0) : Math.tanh(v);
    }
    return;
  }
  const G = GATES[cell] * H;
  for (let b = 0; b < batch; b++) {
    const x = giAt + b * G;
    const h = b * G;
    const a = actAt + b * G;
    const s = b * H;
    if (cell === 'gru') {
      for (let j = 0; j < H; j++) {
        const r = sigmoid(gi[x + j] + gh[h + j]);
        const z = sigmoid(gi[x + H + j] + gh[h + H + j]);
        const hn = gh[h + 2 * H + j];
        const n = Math.tanh(gi[x + 2 * H + j] + r * hn);
        // torch's order of operations: h' = (h − n)·z + n.
        hs[hAt + s + j] = (hs[prevAt + s + j] - n) * z + n;
        act[a + j] = r;
        act[a + H + j] = z;
        act[a + 2 * H + j] = n;
        extra[extraAt + s + j] = hn;
      }
    } else {
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(gi[x + j] + gh[h + j]);
        const fg = sigmoid(gi[x + H + j] + gh[h + H + j]);
        const gg = Math.tanh(gi[x + 2 * H + j] + gh[h + 2 * H + j]);
        const og = sigmoid(gi[x + 3 * H + j] + gh[h + 3 * H + j]);
        const c = fg * cs[prevAt + s + j] + ig * gg;
        const tc = Math.tanh(c);
        cs[hAt + s + j] = c;
        hs[hAt + s + j] = og * tc;
        act[a + j] = ig;
        act[a + H + j] = fg;
        act[a + 2 * H + j] = gg;
        act[a + 3 * H + j] = og;
        extra[extraAt + s + j] = tc;
      }
    }
  }
}

/**
 * The output sequence [batch, time, hidden] of `layers` stacked cells from zero initial states,
 * for an input [batch, time, input] and torch's flat parameter list (per layer weight_ih,
 * weight_hh, then bias_ih, bias_hh when `bias`). `masks[l]` (time-major [time, batch, hidden],
 * scaled) multiplies the input of layer l ≥ 1: torch's dropout between layers; null for none.
 */
export function recurrentForward(
  d: RecurrentDims,
  x: NumArray,
  params: readonly NumArray[],
  out: NumArray,
  masks: readonly (NumArray | null)[],
  work: Workspace,
): void {
  const { cell, batch: B, time: T, hidden: H } = d;
  const G = GATES[cell] * H;
  const rows = T * B;
  const step = B * H;
  const linear = linearForwardKernel();
  swapLeading(x, work('x', rows * d.input), B, T, d.input);
  const gi = work('gi', rows * G);
  const gh = work('gh', B * G);
  const gated = cell === 'gru' || cell === 'lstm';
  let hs = work('h0', (T + 1) * step);
  for (let l = 0; l < d.layers; l++) {
    const { wIh, wHh, bIh, bHh } = layerParams(d, params, l);
    const mask = masks[l] ?? null;
    if (mask) {
      const dropped = work(`in${l}`, rows * H);
      for (let i = 0; i < rows * H; i++) dropped[i] = hs[step + i] * mask[i];
    }
    linear(
      layerInput(d, l, mask !== null, work),
      wIh,
      bIh,
      gi,
      rows,
      l === 0 ? d.input : H,
      G,
      'none',
    );
    hs = work(`h${l}`, (T + 1) * step);
    hs.fill(0, 0, step);
    const act = gated ? work(`act${l}`, rows * G) : hs;
    const extra = gated ? work(`extra${l}`, rows * H) : hs;
    const cs = cell === 'lstm' ? work(`c${l}`, (T + 1) * step) : hs;
    if (cell === 'lstm') cs.fill(0, 0, step);
    for (let t = 0; t < T; t++) {
      linear(hs.subarray(t * step, (t + 1) * step), wHh, bHh, gh, B, H, G, 'none');
      stepForward(
        cell,
        B,
        H,
        gi,
        t * B * G,
        gh,
        hs,
        (t + 1) * step,
        act,
        t * B * G,
        extra,
        t * step,
        cs,
      );
    }
  }
  swapLeading(hs.subarray(step), out, T, B, H);
}

/**
 * Backward of one step: from the gradient of the new state (dy of the step plus dh, the part
 * that came back from later steps), the gradients of the pre-activations for the input
 * projection (dgi) and for the recurrent one (dgh: they differ only in gru's n gate), and the
 * direct part of the previous state's gradient in dh (gru's z·dh'; lstm carries dc instead).
 */
function stepBackward(
  cell: Cell,
  batch: number,
  hidden: number,
  dy: NumArray,
  yAt: number,
  dh: NumArray,
  dc: NumArray,
  hs: NumArray,
  hAt: number,
  act: NumArray,
  actAt: number,
  extra: NumArray,
  extraAt: number,
  cs: NumArray,
  dgi: NumArray,
  dgh: NumArray,
  gAt: number,
): void {
  const H = hidden;
  const prevAt = hAt - batch * H;
  if (cell === 'rnn_tanh' || cell === 'rnn_relu') {
    const relu = cell === 'rnn_relu';
    for (let i = 0; i < batch * H; i++) {
      const g = dy[yAt + i] + dh[i];
      const h = hs[hAt + i];
      dgi[gAt + i] = relu ? (h > 0 ? g : 0) : g * (1 - h * h);
    }
    return;
  }
  const G = GATES[cell] * H;
  for (let b = 0; b < batch; b++) {
    const a = actAt + b * G;
    const o = gAt + b * G;
    const s = b * H;
    if (cell === 'gru') {
      for (let j = 0; j < H; j++) {
        const g = dy[yAt + s + j] + dh[s + j];
        const r = act[a + j];
        const z = act[a + H + j];
        const n = act[a + 2 * H + j];
        const dn = g * (1 - z) * (1 - n * n);
        const dz = g * (hs[prevAt + s + j] - n) * z * (1 - z);
        const dr = dn * extra[extraAt + s + j] * r * (1 - r);
        dgi[o + j] = dr;
        dgi[o + H + j] = dz;
        dgi[o + 2 * H + j] = dn;
        dgh[o + j] = dr;
        dgh[o + H + j] = dz;
        dgh[o + 2 * H + j] = dn * r;
        dh[s + j] = g * z;
      }
    } else {
      for (let j = 0; j < H; j++) {
        const g = dy[yAt + s + j] + dh[s + j];
        const ig = act[a + j];
        const fg = act[a + H + j];
        const gg = act[a + 2 * H + j];
        const og = act[a + 3 * H + j];
        const tc = extra[extraAt + s + j];
        const c = dc[s + j] + g * og * (1 - tc * tc);
        dgi[o + j] = c * gg * ig * (1 - ig);
        dgi[o + H + j] = c * cs[prevAt + s + j] * fg * (1 - fg);
        dgi[o + 2 * H + j] = c * ig * (1 - gg * gg);
        dgi[o + 3 * H + j] = g * tc * og * (1 - og);
        dc[s + j] = c * fg;
      }
    }
  }
}

/**
 * The two biases' gradients: the column sums of dgi and of dgh. They differ only in the last
 * `nBlock` columns (gru's n gate), so dgi is summed once and only that block of dgh again.
 */
function biasGradients(
  dgi: NumArray,
  dgh: NumArray,
  gbIh: NumArray | null,
  gbHh: NumArray | null,
  rows: number,
  width: number,
  nBlock: number,
): void {
  const sums = gbIh ?? (gbHh as NumArray);
  sumAxis(dgi, [rows, width], 0, sums);
  if (gbHh === null) return;
  if (gbHh !== sums) gbHh.set(sums);
  if (nBlock === 0) return;
  gbHh.fill(0, width - nBlock);
  for (let r = 0; r < rows; r++) {
    for (let j = width - nBlock; j < width; j++) gbHh[j] += dgh[r * width + j];
  }
}

/**
 * Backward through time of recurrentForward (same dims, parameters, masks and workspace, after
 * it): from the output's gradient `grad` [batch, time, hidden], overwrites `gx` (the input's
 * gradient) and each `gparams[i]` that is not null.
 */
export function recurrentBackward(
  d: RecurrentDims,
  params: readonly NumArray[],
  grad: NumArray,
  gx: NumArray | null,
  gparams: readonly (NumArray | null)[],
  masks: readonly (NumArray | null)[],
  work: Workspace,
): void {
  const { cell, batch: B, time: T, hidden: H } = d;
  const G = GATES[cell] * H;
  const rows = T * B;
  const step = B * H;
  const matmul = matmulKernel();
  const gated = cell === 'gru' || cell === 'lstm';
  const perLayer = d.bias ? 4 : 2;
  // dy: the gradient of the current layer's output sequence, time-major.
  const dy = work('dy', rows * H);
  swapLeading(grad, dy, B, T, H);
  const dgi = work('dgi', rows * G);
  const dgh = cell === 'gru' ? work('dgh', rows * G) : dgi;
  const dh = work('dh', step);
  const dc = cell === 'lstm' ? work('dc', step) : dh;
  for (let l = d.layers - 1; l >= 0; l--) {
    const { wIh, wHh } = layerParams(d, params, l);
    const hs = work(`h${l}`, (T + 1) * step);
    const act = gated ? work(`act${l}`, rows * G) : hs;
    const extra = gated ? work(`extra${l}`, rows * H) : hs;
    const cs = cell === 'lstm' ? work(`c${l}`, (T + 1) * step) : hs;
    dh.fill(0);
    dc.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const gAt = t * B * G;
      stepBackward(
        cell,
        B,
        H,
        dy,
        t * step,
        dh,
        dc,
        hs,
        (t + 1) * step,
        act,
        gAt,
        extra,
        t * step,
        cs,
        dgi,
        dgh,
        gAt,
      );
      // h0 is a constant zero state: its gradient is not needed.
      if (t > 0)
        matmul(dgh.subarray(gAt, gAt + B * G), wHh, dh, B, G, H, false, false, cell === 'gru');
    }
    const inWidth = l === 0 ? d.input : H;
    const mask = masks[l] ?? null;
    const input = layerInput(d, l, mask !== null, work);
    const [gwIh, gwHh, gbIh, gbHh] = gparams.slice(l * perLayer, (l + 1) * perLayer);
    if (gwIh) matmul(dgi, input, gwIh, G, rows, inWidth, true, false, false);
    if (gwHh) matmul(dgh, hs, gwHh, G, rows, H, true, false, false);
    if (gbIh || gbHh) biasGradients(dgi, dgh, gbIh, gbHh, rows, G, cell === 'gru' ? H : 0);
    if (l > 0) {
      // The layer below's output fed only this layer's input (through the dropout mask).
      matmul(dgi, wIh, dy, rows, G, H, false, false, false);
      if (mask) for (let i = 0; i < rows * H; i++) dy[i] *= mask[i];
    } else if (gx) {
      const dx = work('dx', rows * d.input);
      matmul(dgi, wIh, dx, rows, G, d.input, false, false, false);
      swapLeading(dx, gx, T, B, d.input);
    }
  }
}
