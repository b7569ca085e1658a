import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ASSIGNMENT_TARGETS } from '../../domain.js';
import type { AppContext } from '../context.js';

const AssignmentQuery = Type.Object(
  {
    targetKind: Type.Optional(Type.Union(ASSIGNMENT_TARGETS.map((k) => Type.Literal(k)))),
    targetId: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/**
 * Every assignment, of policies and apps alike. They are made and removed through the policy and
 * app routes, which know what assigning one sets in motion.
 */
export function assignmentRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get<{ Querystring: typeof AssignmentQuery.static }>(
    '/api/v1/assignments',
    { schema: { tags: ['assignments'], querystring: AssignmentQuery } },
    async (request) => ({ items: await storage.listAssignments(request.query) }),
  );
}
