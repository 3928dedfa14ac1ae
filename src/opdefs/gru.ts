import type { RecurrentDims } from '../kernels/recurrent.js';
import { attrList } from './attrs.js';
import { defineOp } from './define.js';
import {
  RECURRENT_ATTRS,
  type RecurrentAttrs,
  recurrent,
  recurrentInputs,
  recurrentModule,
} from './recurrent.js';

/**
 * torch.nn.GRU(batch_first=True) from a zero state: per step, with the gates in torch's order
 * r, z, n (the rows of weight_ih and weight_hh in three blocks),
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r·(W_hn h + b_hn)),  h' = (1 − z)·n + z·h.
 */
export default defineOp<RecurrentAttrs, RecurrentDims>({
  name: 'gru',
  family: 'recurrent',
  doc: 'torch.nn.GRU (batch_first) from a zero state over [input [batch, time, in], weight_ih_l0 [3·hidden, in], weight_hh_l0 [3·hidden, hidden], bias_ih_l0, bias_hh_l0, …l1…]: the output sequence [batch, time, hidden]; gates r, z, n',
  gradient: 'backward through time',
  attrs: RECURRENT_ATTRS,
  ...recurrent('gru', () => 'gru'),
  torch: "recurrent('GRU', tensors, layers, dropout, training)",
  onnx: 'GRU',
  module: recurrentModule('gru', 3, attrList(RECURRENT_ATTRS)),
  examples: [
    {
      name: '1 layer, [2,5,3] -> hidden 4',
      inputs: recurrentInputs(3, { batch: 2, time: 5, input: 3, hidden: 4 }),
    },
    {
      name: '1 layer without bias',
      inputs: recurrentInputs(3, { batch: 3, time: 4, input: 2, hidden: 3, bias: false }),
    },
    {
      name: '2 layers',
      inputs: recurrentInputs(3, { batch: 2, time: 4, input: 3, hidden: 4, layers: 2 }),
      attrs: { layers: 2 },
    },
    {
      name: '2 layers without bias',
      inputs: recurrentInputs(3, {
        batch: 2,
        time: 3,
        input: 5,
        hidden: 2,
        layers: 2,
        bias: false,
      }),
      attrs: { layers: 2 },
    },
    {
      name: '2 layers, dropout 0.5 in eval mode',
      inputs: recurrentInputs(3, { batch: 2, time: 3, input: 3, hidden: 3, layers: 2 }),
      attrs: { layers: 2, dropout: 0.5 },
      training: false,
    },
    {
      name: 'unbatched [6,3]',
      inputs: recurrentInputs(3, { batch: null, time: 6, input: 3, hidden: 4 }),
    },
    {
      name: 'magnitude 1000 saturates the gates',
      inputs: recurrentInputs(3, { batch: 2, time: 3, input: 2, hidden: 3, scale: 1000 }),
    },
  ],
});
