import { opDef, SPEC_OPS } from '../opdefs/index.js';
import type { OpDef } from '../opdefs/types.js';

export type { AttrDef, OpDef } from '../opdefs/types.js';

/** The ops a spec expression may call, by name (from the op definitions). */
export const OP_CATALOG: ReadonlyMap<string, OpDef> = new Map(
  SPEC_OPS.map((def) => [def.name, def]),
);

/** A spec op by name. */
export function findOp(name: string): OpDef | undefined {
  return OP_CATALOG.get(name);
}

/** Any op a Graph node may have: the spec ops and the IR's own (constant, identity). */
export function findGraphOp(name: string): OpDef | undefined {
  return opDef(name);
}
