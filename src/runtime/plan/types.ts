import type { RunContext } from '../../opdefs/types.js';

/** One kernel call on plan buffers; built once per plan, called every step. */
export type Step = () => void;

/** What steps read at run time rather than at plan time: the mode and the dropout generator. */
export type PlanContext = RunContext;
