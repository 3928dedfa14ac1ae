import type { Graph } from '../compiler/graph.js';
import type { RegisterCommand } from './io.js';
import { dimOption } from './options.js';

function attrs(values: Graph['nodes'][number]['attrs']): string {
  const shown = Object.entries(values).filter(([, v]) => v !== null);
  return shown.map(([k, v]) => `, ${k}=${JSON.stringify(v)}`).join('');
}

/** The Graph as a person reads it: one line per input, parameter and node, with its source. */
export function graphListing(graph: Graph): string {
  const shape = (s: readonly unknown[]) => `[${s.join(', ')}]`;
  const lines = [`graph ${graph.name} (IR version ${graph.version})`, 'inputs:'];
  for (const i of graph.inputs) lines.push(`  ${i.name}: ${i.dtype} ${shape(i.shape)}`);
  lines.push('parameters:');
  for (const p of graph.parameters) {
    const { kind, ...args } = p.init;
    const argText = Object.entries(args)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(6)) : v}`)
      .join(', ');
    lines.push(
      `  ${p.name}: ${p.dtype} ${shape(p.shape)}  init ${kind}${argText ? `(${argText})` : ''}${p.trainable ? '' : '  frozen'}`,
    );
  }
  lines.push('nodes:');
  for (const n of graph.nodes) {
    const call =
      n.op === 'constant'
        ? String(n.attrs.value)
        : `${n.op}(${n.inputs.join(', ')}${attrs(n.attrs)})`;
    lines.push(
      `  ${n.name} = ${call}  : ${n.dtype} ${shape(n.shape)}  # ${n.loc.file}:${n.loc.line}:${n.loc.column}`,
    );
  }
  lines.push(`outputs: ${graph.outputs.join(', ')}`);
  lines.push(`loss: ${graph.loss ?? '(none)'}`);
  return lines.join('\n');
}

export const register: RegisterCommand = (program, { io }) => {
  program
    .command('compile')
    .description('lower a spec to its graph (IR): a listing, or JSON with -o')
    .argument('<spec>', 'the spec file')
    .option('-o, --output <file>', 'write the graph as JSON to this file')
    .option('--dim <name=value>', "a value for one of the spec's dims (repeatable)", dimOption)
    .action(
      async (specPath: string, options: { output?: string; dim?: Record<string, number> }) => {
        const { lowerSpecText, readSpec } = await import('../runtime/compile.js');
        const { graph } = lowerSpecText(readSpec(specPath), {
          filename: specPath,
          dims: options.dim,
        });
        if (options.output) {
          const { writeFileAtomic } = await import('../io/atomic-write.js');
          writeFileAtomic(options.output, `${JSON.stringify(graph, null, 2)}\n`);
          io.stderr(
            `wrote ${options.output} (${graph.nodes.length} nodes, ${graph.parameters.length} parameters)\n`,
          );
          return;
        }
        io.stdout(`${graphListing(graph)}\n`);
      },
    );
};
