import type { FastifyRequest } from 'fastify';
import { LatchError } from '../errors.js';

/** The media type of a request body, lower-cased and without parameters (RFC 9110 §8.3.1). */
export function mediaTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Refuses a body of any other media type with 415, before a body parser reads it. */
export function requireMediaType(request: FastifyRequest, expected: string) {
  if (mediaTypeOf(request) !== expected) {
    throw new LatchError('unsupported_media_type', 415, `the body must be ${expected}`);
  }
}
