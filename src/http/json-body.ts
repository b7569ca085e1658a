import type { FastifyInstance } from 'fastify';
import { LatchError } from '../errors.js';

/** Deeper JSON is refused: no request of ours nests anywhere near it. */
export const MAX_JSON_DEPTH = 64;

/**
 * Replaces the JSON body parser with fastify's own (same prototype-poisoning checks) followed
 * by a depth check. Storing or stringifying a body nested tens of thousands deep overflows the
 * stack; refused here, it never reaches a handler.
 */
export function registerJsonBody(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      if (deeperThan(value, MAX_JSON_DEPTH)) {
        const message = `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`;
        done(new LatchError('json_too_deep', 400, message), undefined);
        return;
      }
      done(null, value);
    });
  });
}

/** Walks without recursion, so the check itself cannot overflow the stack. */
function deeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}
