import type { ValueInfo } from './types.js';

export type { ValueInfo };

/**
 * Why an op cannot take its operands. `operand` (0-based, in operand order) says which operand
 * is at fault when one is; otherwise the whole call is. `outOfRange` marks a value outside its
 * range (an axis, an index, an attribute) rather than shapes that do not fit: at run time the
 * one is a ValueError, the other a ShapeError.
 */
export class ShapeIssue extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly operand?: number,
    readonly outOfRange = code === 'MS209',
  ) {
    super(message);
    this.name = 'ShapeIssue';
  }
}

export const CODES = {
  badAttr: 'MS209',
  broadcast: 'MS301',
  contraction: 'MS302',
  axis: 'MS303',
  reshape: 'MS304',
  concat: 'MS305',
  dtype: 'MS306',
  lossNotScalar: 'MS307',
  lossTarget: 'MS308',
  tooLarge: 'MS309',
  symbolic: 'MS310',
  layerInput: 'MS311',
  window: 'MS312',
  groups: 'MS313',
  stateOperand: 'MS225',
  normShape: 'MS330',
} as const;
