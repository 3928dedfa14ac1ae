import type { Graph, ResolvedInit } from '../compiler/graph.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, w) => a + w + 2, -2));
  return [line(header), rule, ...rows.map(line)];
}

function fan(init: ResolvedInit): string {
  return 'fanIn' in init ? String(init.fanIn) : '-';
}

function initName(init: ResolvedInit): string {
  const { kind, ...args } = init;
  const shown = Object.entries(args)
    .filter(([k]) => k !== 'fanIn' && k !== 'fanOut')
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`);
  return shown.length > 0 ? `${kind}(${shown.join(', ')})` : kind;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * The module tree, like torchinfo: each module's path (indented by depth), kind, the shape of
 * its (last call's) result and the parameters under it; tied tensors counted once.
 */
function moduleRows(graph: Graph): string[][] {
  const owned = graph.parameters.filter((p) => p.tiedTo === undefined);
  return (graph.modules ?? []).map((m) => {
    const prefix = `${m.path}.`;
    const inside = (name: string | undefined) =>
      name === m.path || name?.startsWith(prefix) === true;
    const last = [...graph.nodes].reverse().find((n) => inside(n.module));
    const params = owned
      .filter((p) => p.name.startsWith(prefix))
      .reduce((a, p) => a + count(p.shape), 0);
    const depth = m.path.split('.').length - 1;
    return [
      `${'  '.repeat(depth)}${m.path}`,
      m.kind,
      last ? `[${last.shape.join(', ')}]` : '-',
      params.toLocaleString('en-US'),
    ];
  });
}

/**
 * The graph as tables, like Keras' model.summary() (and torchinfo's module tree when the spec
 * has modules): every node with its op, output shape and the parameters it reads first; then
 * every parameter with its init and fan; then the buffers (when there are any); then totals.
 */
export function formatSummary(graph: Graph): string {
  const params = new Map(graph.parameters.map((p) => [p.name, p]));
  const counted = new Set<string>();
  const nodeRows = [
    ...graph.inputs.map((i) => [i.name, 'input', `[${i.shape.join(', ')}]`, i.dtype, '0']),
    ...graph.nodes
      .filter((n) => n.op !== 'constant')
      .map((n) => {
        let own = 0;
        for (const input of n.inputs) {
          const p = params.get(input);
          if (p && !counted.has(input)) {
            counted.add(input);
            own += count(p.shape);
          }
        }
        return [n.name, n.op, `[${n.shape.join(', ')}]`, n.dtype, String(own)];
      }),
  ];
  const paramRows = graph.parameters.map((p) => [
    p.name,
    `[${p.shape.join(', ')}]`,
    p.tiedTo === undefined ? String(count(p.shape)) : '0',
    p.tiedTo === undefined ? initName(p.init) : `tied to ${p.tiedTo}`,
    fan(p.init),
    p.trainable ? 'yes' : 'no (frozen)',
  ]);
  const buffers = graph.buffers ?? [];
  const bufferRows = buffers.map((b) => [
    b.name,
    `[${b.shape.join(', ')}]`,
    b.dtype,
    initName(b.init),
    b.persistent ? 'yes' : 'no',
  ]);
  const bufferTable =
    buffers.length === 0
      ? []
      : [...table(['Buffer', 'Shape', 'Dtype', 'Init', 'In state dict'], bufferRows), ''];
  const owned = graph.parameters.filter((p) => p.tiedTo === undefined);
  const total = owned.reduce((a, p) => a + count(p.shape), 0);
  const trainable = owned.filter((p) => p.trainable).reduce((a, p) => a + count(p.shape), 0);
  const modules = moduleRows(graph);
  return [
    `Model: ${graph.name}`,
    '',
    ...(modules.length > 0
      ? [...table(['Module', 'Kind', 'Output shape', 'Params'], modules), '']
      : []),
    ...table(['Node', 'Op', 'Output shape', 'Dtype', 'Params'], nodeRows),
    '',
    ...table(['Parameter', 'Shape', 'Count', 'Init', 'Fan in', 'Trainable'], paramRows),
    '',
    ...bufferTable,
    `Total params: ${total.toLocaleString('en-US')}`,
    `Trainable params: ${trainable.toLocaleString('en-US')}`,
    `Frozen params: ${(total - trainable).toLocaleString('en-US')}`,
    `Outputs: ${graph.outputs.join(', ')}${graph.loss ? `; loss: ${graph.loss}` : ''}`,
  ].join('\n');
}
