// tfjs-core's bundles carry no gradient functions: the @tensorflow/tfjs union package registers
// them by importing tfjs-core's ES-module tree (dist/register_all_gradients.js). That tree
// imports './x' meaning './x.js', which Node's ES-module loader refuses, so a resolve hook
// limited to that folder adds the extension. The gradients register in tfjs's global registry,
// which the engine of the bundle the bench imports reads.
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  const inTfjsCore = context.parentURL?.includes('/@tensorflow/tfjs-core/dist/');
  if (inTfjsCore && specifier.startsWith('.') && !specifier.endsWith('.js')) {
    try {
      return await next(specifier + '.js', context);
    } catch {
      return next(specifier + '/index.js', context);
    }
  }
  return next(specifier, context);
}`;

let registered: Promise<unknown> | null = null;

/** Registers tfjs's gradient functions once (minimize needs them); later calls wait for it. */
export function registerTfjsGradients(): Promise<unknown> {
  if (registered === null) {
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
    registered = import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  }
  return registered;
}
