import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { conflict, notFound } from '../../errors.js';
import { COMMAND_CHANNELS, COMMAND_STATUSES } from '../../storage/roles/command-queue.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

const QueueQuery = Type.Object(
  {
    channel: Type.Optional(Type.Union(COMMAND_CHANNELS.map((c) => Type.Literal(c)))),
    status: Type.Optional(Type.Union(COMMAND_STATUSES.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  },
  { additionalProperties: false },
);

/** Each device's command queue as the admin sees it, and cancelling a command not yet answered. */
export function commandRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get<{ Params: typeof IdParams.static; Querystring: typeof QueueQuery.static }>(
    '/api/v1/devices/:id/commands',
    { schema: { tags: ['commands'], params: IdParams, querystring: QueueQuery } },
    async (request) => {
      if (!(await storage.getDevice(request.params.id))) {
        throw notFound('device', request.params.id);
      }
      const items = await storage.listCommands({ deviceId: request.params.id, ...request.query });
      return { items: items.map(({ payload: _payload, ...rest }) => rest) };
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/commands/:id',
    { schema: { tags: ['commands'], params: IdParams } },
    async (request) => {
      const command = await storage.getCommand(request.params.id);
      if (!command) throw notFound('command', request.params.id);
      return command;
    },
  );

  app.post<{ Params: typeof IdParams.static }>(
    '/api/v1/commands/:id/cancel',
    { schema: { tags: ['commands'], params: IdParams } },
    async (request) => {
      const admin = adminOf(request);
      return storage.transaction(async (s) => {
        const before = await s.getCommand(request.params.id);
        const cancelled = await s.cancelCommand(
          request.params.id,
          `cancelled by ${admin.username}`,
          Date.now(),
        );
        if (!before) throw notFound('command', request.params.id);
        if (!cancelled) {
          throw conflict(
            `command ${before.id} is ${before.status}: only an unanswered one can be cancelled`,
          );
        }
        await s.recordAudit({
          actor: admin.username,
          action: 'command.cancel',
          entityType: 'command',
          entityId: cancelled.id,
          before: { status: before.status },
          after: { status: cancelled.status },
        });
        return cancelled;
      });
    },
  );
}
