import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type { SourceLocation } from './diagnostics.js';
import type { LocatedSpec, SpecPath } from './located.js';
import { type ScalarOffsets, scalarOffsets } from './scalar-offsets.js';
import type { SourceText } from './source-text.js';
import type { Spec } from './types.js';

/** What walking a path found: the deepest node reached and, if it is a mapping value, its key. */
interface Found {
  node: Node | null;
  key: Node | null;
  /** Whether every segment of the path was found. */
  complete: boolean;
}

function keyName(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/** Finds YAML nodes by spec path and turns them into file positions. */
export class DocumentLocator {
  private readonly offsetsCache = new Map<Scalar, ScalarOffsets | null>();
  private readonly keyIndex = new Map<YAMLMap, Map<string, Pair>>();

  constructor(
    private readonly doc: Document,
    readonly source: SourceText,
  ) {}

  /** A mapping's pairs by key name (the first of each name), built once per mapping. */
  private pairs(map: YAMLMap): Map<string, Pair> {
    let index = this.keyIndex.get(map);
    if (index === undefined) {
      index = new Map();
      for (const pair of map.items) {
        const name = keyName(pair.key);
        if (name !== undefined && !index.has(name)) index.set(name, pair as Pair);
      }
      this.keyIndex.set(map, index);
    }
    return index;
  }

  find(path: SpecPath): Found {
    let node = this.doc.contents as Node | null;
    let key: Node | null = null;
    for (const segment of path) {
      const current = isAlias(node) ? (node.resolve(this.doc) ?? null) : node;
      if (isMap(current)) {
        const pair = this.pairs(current).get(String(segment));
        if (!pair) return { node: current, key, complete: false };
        node = (pair.value as Node | null) ?? null;
        key = pair.key as Node;
        if (node === null) return { node, key, complete: segment === path[path.length - 1] };
      } else if (isSeq(current) && Number.isInteger(Number(segment))) {
        const item = current.items[Number(segment)] as Node | undefined;
        if (!item) return { node: current, key, complete: false };
        node = item;
        key = null;
      } else {
        return { node: current, key, complete: false };
      }
    }
    return { node, key, complete: true };
  }

  /** A node's own place: its first line, or its key when the node is a block collection or empty. */
  private place(node: Node | null, key: Node | null): SourceLocation {
    const blockCollection = isCollection(node) && !node.flow;
    const target = node === null || blockCollection ? (key ?? node) : node;
    const range = target?.range;
    if (!range) return this.source.span(0, 1);
    if (target === node && blockCollection) return this.source.span(range[0], range[0] + 1);
    return this.source.span(range[0], range[1]);
  }

  locate(path: SpecPath): SourceLocation {
    const { node, key } = this.find(path);
    return this.place(node, key);
  }

  locateKey(path: SpecPath): SourceLocation {
    const { node, key, complete } = this.find(path);
    if (complete && key?.range) return this.source.span(key.range[0], key.range[1]);
    return this.place(node, key);
  }

  locateInScalar(path: SpecPath, offset: number, length: number): SourceLocation {
    const { node, complete } = this.find(path);
    if (!complete || !isScalar(node) || !node.range) return this.locate(path);
    let offsets = this.offsetsCache.get(node);
    if (offsets === undefined) {
      offsets = scalarOffsets(this.source.text, node);
      this.offsetsCache.set(node, offsets);
    }
    if (offsets === null) {
      // Value and source differ in a way we cannot map: count from the scalar's first character.
      const start = node.range[0] + offset;
      return this.source.span(start, start + Math.max(1, length));
    }
    const last = offsets.length - 1;
    const first = Math.max(0, Math.min(offset, last));
    const start = offsets[first];
    const endIndex = Math.min(first + Math.max(1, length), last);
    const end = endIndex > first ? offsets[endIndex - 1] + 1 : start + 1;
    return this.source.span(start, Math.max(end, start + 1));
  }

  /** The LocatedSpec the compiler works from. */
  located(spec: Spec): LocatedSpec {
    return {
      spec,
      file: this.source.file,
      locate: (path) => this.locate(path),
      locateKey: (path) => this.locateKey(path),
      locateInScalar: (path, offset, length) => this.locateInScalar(path, offset, length),
    };
  }
}
