import type { RecurrentDims } from '../kernels/recurrent.js';
import { attrList, choice } from './attrs.js';
import { defineOp } from './define.js';
import {
  RECURRENT_ATTRS,
  type RecurrentAttrs,
  recurrent,
  recurrentInputs,
  recurrentModule,
} from './recurrent.js';

type RnnAttrs = RecurrentAttrs & { nonlinearity: 'tanh' | 'relu' };

const ATTRS = {
  ...RECURRENT_ATTRS,
  nonlinearity: choice(['tanh', 'relu'], 'tanh', 'the activation of the new state'),
};

/**
 * torch.nn.RNN(batch_first=True) from a zero state: per step
 * h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu.
 */
export default defineOp<RnnAttrs, RecurrentDims>({
  name: 'rnn',
  family: 'recurrent',
  doc: "torch.nn.RNN (batch_first) from a zero state over [input [batch, time, in], weight_ih_l0 [hidden, in], weight_hh_l0 [hidden, hidden], bias_ih_l0, bias_hh_l0, …l1…]: the output sequence [batch, time, hidden]; h' = act(W_ih x + b_ih + W_hh h + b_hh)",
  gradient: 'backward through time',
  attrs: ATTRS,
  ...recurrent<RnnAttrs>('rnn', (attrs) =>
    attrs.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh',
  ),
  torch: "recurrent('RNN', tensors, layers, dropout, training, nonlinearity=nonlinearity)",
  onnx: 'RNN',
  module: recurrentModule('rnn', 1, attrList(ATTRS), { nonlinearity: ATTRS.nonlinearity }),
  examples: [
    {
      name: '1 layer, [2,5,3] -> hidden 4',
      inputs: recurrentInputs(1, { batch: 2, time: 5, input: 3, hidden: 4 }),
    },
    {
      name: '1 layer without bias',
      inputs: recurrentInputs(1, { batch: 3, time: 4, input: 2, hidden: 3, bias: false }),
    },
    {
      name: '2 layers, relu',
      inputs: recurrentInputs(1, { batch: 2, time: 4, input: 3, hidden: 4, layers: 2 }),
      attrs: { layers: 2, nonlinearity: 'relu' },
    },
    {
      name: '2 layers without bias',
      inputs: recurrentInputs(1, {
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
      inputs: recurrentInputs(1, { batch: 2, time: 3, input: 3, hidden: 3, layers: 2 }),
      attrs: { layers: 2, dropout: 0.5 },
      training: false,
    },
    {
      name: 'unbatched [6,3], relu',
      inputs: recurrentInputs(1, { batch: null, time: 6, input: 3, hidden: 4 }),
      attrs: { nonlinearity: 'relu' },
    },
    {
      name: 'magnitude 1000 saturates tanh',
      inputs: recurrentInputs(1, { batch: 2, time: 3, input: 2, hidden: 3, scale: 1000 }),
    },
  ],
});
