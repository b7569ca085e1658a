import type { Static, TSchema } from '@sinclair/typebox';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { badRequest } from '../errors.js';

// Outside fastify (whose ajv knows them) TypeBox checks only the formats registered here.
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (v) => /^\d{4}-\d\d-\d\dT/.test(v) && !isNaN(Date.parse(v)));
}
if (!FormatRegistry.Has('uri')) FormatRegistry.Set('uri', (v) => URL.canParse(v));

/**
 * Parses JSON text and checks it against a TypeBox schema, for inputs that do not come through
 * the HTTP edge (CLI files).
 *
 * @throws LatchError `invalid_request` naming every problem with its path.
 */
export function parseJsonInput<T extends TSchema>(
  schema: T,
  text: string,
  what: string,
): Static<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (Value.Check(schema, value)) return value;
  const issues = [...Value.Errors(schema, value)].map((e) => ({
    path: e.path || '/',
    message: e.message,
  }));
  throw badRequest(`${what} does not match its schema`, issues.slice(0, 20));
}
