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
  FST_ERR_BAD_URL: [400, 'bad_url'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'path_parameter_too_long'],
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
        v.params && 'missingProperty' in v.params
          ? `${v.instancePath}/${String(v.params.missingProperty)}`
          : v.instancePath || '/',
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

/**
 * Answers every error in our format. Also fastify's `frameworkErrors`, which meets the errors
 * raised before routing (a malformed URL, an over-long path parameter) that would otherwise be
 * answered in fastify's own format.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const [status, body] = toErrorBody(error);
  const { code, message } = body.error;
  if (status < 500) request.log.info({ code, message }, 'request refused');
  else if (error instanceof LatchError) {
    // A failure we named (shutting down, an upstream unreachable): its own stack says nothing
    // and would flood the log while it lasts; what caused it, if anything, is worth keeping.
    const cause = error.cause instanceof Error ? { err: error.cause } : {};
    request.log.warn({ code, message, ...cause }, 'request failed');
  } else request.log.error({ err: error }, 'request failed');
  return reply.status(status).send(body);
}
