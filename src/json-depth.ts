/** Deeper JSON is refused wherever Latch reads it: no message of ours nests anywhere near it. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `value` nests deeper than `limit`. Storing or stringifying JSON nested tens of
 * thousands deep overflows the stack; the walk itself runs without recursion.
 */
export function deeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}
