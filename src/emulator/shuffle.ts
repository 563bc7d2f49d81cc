import { Rng } from './prng';
import type { EmulatorNode, GraphJson } from './types';
import { UNORDERED_NAVIGATIONS, UNORDERED_PROPERTIES } from './unorderedArrays';

// `POST /_emulator/tenants/{id}/shuffle`: the same objects in another order, as Graph may serve
// them on any read. Every object's keys and every array ./unorderedArrays.ts names are permuted;
// nothing else changes, so a backup that reports a change afterwards is wrong. Every permutation
// of two or more elements differs from the order it started from, so a test sees each shuffle.

/** A permutation of 0..n-1, never the identity when n >= 2. */
function permutation(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  if (n >= 2 && order.every((value, i) => value === i)) order.push(order.shift() as number);
  return order;
}

function permuted<T>(items: readonly T[], rng: Rng): T[] {
  return permutation(items.length, rng).map((i) => items[i] as T);
}

/** A copy of a JSON value with its objects' keys and its unordered arrays permuted. */
export function shuffledJson(value: unknown, rng: Rng, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => shuffledJson(item, rng));
    return key !== undefined && UNORDERED_PROPERTIES.has(key) ? permuted(items, rng) : items;
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = permuted(Object.entries(value as GraphJson), rng);
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffledJson(v, rng, k)]));
}

/**
 * The node shuffled by `seed`: its object, details and inlined entities, and its lists (order
 * and elements). Lists not built yet stay lazy: they are shuffled when built.
 */
export function shuffledNode(node: EmulatorNode, seed: string): EmulatorNode {
  const rng = new Rng(`${seed}|object`);
  const out: EmulatorNode = { ...node, object: shuffledJson(node.object, rng) as GraphJson };
  if (node.detail) out.detail = shuffledJson(node.detail, rng) as GraphJson;
  if (node.expandable) out.expandable = shuffledJson(node.expandable, rng) as GraphJson;
  if (node.lists) {
    out.lists = {};
    for (const [name, list] of Object.entries(node.lists)) {
      const shuffle = (elements: EmulatorNode[]) => {
        const each = elements.map((element, i) => shuffledNode(element, `${seed}|${name}|${i}`));
        return UNORDERED_NAVIGATIONS.has(name) ? permuted(each, new Rng(`${seed}|list|${name}`)) : each;
      };
      out.lists[name] = typeof list === 'function' ? () => shuffle(list()) : shuffle(list);
    }
  }
  return out;
}
