import type { FastifyInstance } from 'fastify';
import { LatchError } from '../errors.js';
import { MAX_JSON_DEPTH, deeperThan } from '../json-depth.js';

/**
 * Replaces the JSON body parser with fastify's own (same prototype-poisoning checks) followed
 * by a depth check. Storing or stringifying a body nested tens of thousands deep overflows the
 * stack; refused here, it never reaches a handler.
 */
export function registerJsonBody(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // No route takes plain text: a JSON body sent as text/plain is told its type is wrong (415)
  // rather than that a string is not an object. An empty one is no body at all (what fetch
  // sends for `body: ''`), which routes without a body take as before.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    const message = 'a request body must be JSON (application/json), not text/plain';
    done(new LatchError('unsupported_media_type', 415, message), undefined);
  });
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
