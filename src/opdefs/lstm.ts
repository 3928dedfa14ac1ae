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
 * torch.nn.LSTM(batch_first=True) from zero states (h and c): per step, with the gates in
 * torch's order i, f, g, o (the rows of weight_ih and weight_hh in four blocks),
 *   i, f, o = σ(W_i* x + b_i* + W_h* h + b_h*),  g = tanh(W_ig x + b_ig + W_hg h + b_hg),
 *   c' = f·c + i·g,  h' = o·tanh(c').
 */
export default defineOp<RecurrentAttrs, RecurrentDims>({
  name: 'lstm',
  family: 'recurrent',
  doc: 'torch.nn.LSTM (batch_first) from zero states over [input [batch, time, in], weight_ih_l0 [4·hidden, in], weight_hh_l0 [4·hidden, hidden], bias_ih_l0, bias_hh_l0, …l1…]: the output sequence [batch, time, hidden]; gates i, f, g, o',
  gradient: 'backward through time',
  attrs: RECURRENT_ATTRS,
  ...recurrent('lstm', () => 'lstm'),
  torch: "recurrent('LSTM', tensors, layers, dropout, training)",
  onnx: 'LSTM',
  module: recurrentModule('lstm', 4, attrList(RECURRENT_ATTRS)),
  examples: [
    {
      name: '1 layer, [2,5,3] -> hidden 4',
      inputs: recurrentInputs(4, { batch: 2, time: 5, input: 3, hidden: 4 }),
    },
    {
      name: '1 layer without bias',
      inputs: recurrentInputs(4, { batch: 3, time: 4, input: 2, hidden: 3, bias: false }),
    },
    {
      name: '2 layers',
      inputs: recurrentInputs(4, { batch: 2, time: 4, input: 3, hidden: 4, layers: 2 }),
      attrs: { layers: 2 },
    },
    {
      name: '3 layers without bias',
      inputs: recurrentInputs(4, {
        batch: 2,
        time: 3,
        input: 5,
        hidden: 2,
        layers: 3,
        bias: false,
      }),
      attrs: { layers: 3 },
    },
    {
      name: '2 layers, dropout 0.5 in eval mode',
      inputs: recurrentInputs(4, { batch: 2, time: 3, input: 3, hidden: 3, layers: 2 }),
      attrs: { layers: 2, dropout: 0.5 },
      training: false,
    },
    {
      name: 'unbatched [6,3]',
      inputs: recurrentInputs(4, { batch: null, time: 6, input: 3, hidden: 4 }),
    },
    {
      name: 'magnitude 1000 saturates the gates',
      inputs: recurrentInputs(4, { batch: 2, time: 3, input: 2, hidden: 3, scale: 1000 }),
    },
  ],
});
