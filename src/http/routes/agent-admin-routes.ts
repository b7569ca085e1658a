import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams, PageQuery } from '../schemas.js';

const EventQuery = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** What admins see of and do to the agent channel: events, agent state, credential revocation. */
export function agentAdminRoutes(app: FastifyInstance, { storage, agentChannel }: AppContext) {
  app.get<{ Querystring: typeof EventQuery.static }>(
    '/api/v1/agent/events',
    { schema: { tags: ['agent'], querystring: EventQuery } },
    async (request) => agentChannel.listEvents(request.query),
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id/agent',
    { schema: { tags: ['agent'], params: IdParams } },
    async (request) => {
      const state = await storage.getAgentState(request.params.id);
      if (!state) throw notFound('agent state of device', request.params.id);
      return state;
    },
  );

  app.delete<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id/agent-credentials',
    { schema: { tags: ['agent'], params: IdParams } },
    async (request, reply) => {
      const admin = adminOf(request);
      await storage.transaction(async (s) => {
        const revoked = await s.revokeAgentCredentials(request.params.id, Date.now());
        if (revoked === 0) throw notFound('live agent credential of device', request.params.id);
        await s.recordAudit({
          actor: admin.username,
          action: 'agent.credentials.revoke',
          entityType: 'device',
          entityId: request.params.id,
          before: null,
          after: { revoked },
        });
      });
      return reply.status(204).send();
    },
  );
}
