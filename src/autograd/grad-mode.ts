let enabled = true;

/** Whether ops record the graph now (false inside noGrad). */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` without recording the graph (torch.no_grad); returns fn's result. */
export function noGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** Runs `fn` with recording switched on or off, restoring the previous mode after. */
export function withGradMode<T>(on: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
