import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { PageQuery } from '../schemas.js';

const AuditQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** The audit log, newest first, in pages. */
export function auditRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get<{ Querystring: typeof AuditQuery.static }>(
    '/api/v1/audit',
    { schema: { tags: ['audit'], querystring: AuditQuery } },
    async (request) => storage.listAudit(request.query),
  );
}
