import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const ajv = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false });

/**
 * A validator compiler that never coerces types. The server's own turns "123" into 123 and
 * null into 0 so that query strings can be typed; device bodies are JSON and must already have
 * the types they claim, or a device's bug is stored as if it were data.
 */
export const exactValidator: FastifySchemaCompiler<unknown> = ({ schema }) =>
  ajv.compile(schema as object);
