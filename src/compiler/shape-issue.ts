import type { DTypeName } from '../spec/types.js';
import type { Dim } from './dims.js';

/** The type and size of one value of the graph, as inference knows it. */
export interface ValueInfo {
  shape: Dim[];
  dtype: DTypeName;
}

/**
 * Why an op cannot take its operands. `operand` (0-based, in operand order) says which operand
 * is at fault when one is; otherwise the whole call is.
 */
export class ShapeIssue extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly operand?: number,
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
} as const;
