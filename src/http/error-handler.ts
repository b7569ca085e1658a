import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { LatchError } from '../errors.js';
import type { ErrorIssue } from '../errors.js';

interface ErrorBody {
  error: { code: string; message: string; issues?: ErrorIssue[] };
}

/** Fastify's own errors that a client caused, mapped to our stable codes. */
const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed_json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'malformed_json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length'],
};

export function toErrorBody(error: FastifyError | LatchError | Error): [number, ErrorBody] {
  if (error instanceof LatchError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.issues) body.error.issues = error.issues;
    return [error.statusCode, body];
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const issues = fastifyError.validation.map((v) => ({
      path:
        (v.instancePath || '/') +
        (v.params && 'missingProperty' in v.params ? `/${String(v.params.missingProperty)}` : ''),
      message: v.message ?? 'is invalid',
    }));
    const where = fastifyError.validationContext ?? 'body';
    return [
      400,
      { error: { code: 'invalid_request', message: `the ${where} is invalid`, issues } },
    ];
  }
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return [known[0], { error: { code: known[1], message: error.message } }];
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    return [fastifyError.statusCode, { error: { code: 'bad_request', message: error.message } }];
  }
  return [500, { error: { code: 'internal', message: 'the server failed; see its log' } }];
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const [status, body] = toErrorBody(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: body.error.code, message: body.error.message }, 'request refused');
  return reply.status(status).send(body);
}
