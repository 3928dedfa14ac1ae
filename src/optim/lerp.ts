/**
 * torch.lerp's formula (aten/src/ATen/native/Lerp.h), which PyTorch 2.x uses for running means
 * (Adam's first moment, centered RMSprop's mean gradient): from the nearer end, so the result is
 * exact at both ends.
 */
export function lerp(start: number, end: number, weight: number): number {
  return Math.abs(weight) < 0.5
    ? start + weight * (end - start)
    : end - (end - start) * (1 - weight);
}
