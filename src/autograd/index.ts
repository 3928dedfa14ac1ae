export { type BackwardOptions, backward } from './engine.js';
export { isGradEnabled, noGrad, withGradMode } from './grad-mode.js';
export { AccumulateGrad, type BackwardRule, Node, record } from './node.js';
