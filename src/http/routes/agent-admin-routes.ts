import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { COMMAND_STATUSES } from '../../storage/roles/command-queue.js';
import { badRequest, notFound, notOnChannel } from '../../errors.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams, PageQuery } from '../schemas.js';

const EventQuery = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(Type.String({ maxLength: 64 })),
    after: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description:
          'events stored after the one with this seq; to follow the stream, the last seq read',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const NewTasks = Type.Object(
  {
    deviceIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 100_000 }),
    ),
    groupId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    kind: Type.String({ pattern: '^[a-z][a-z0-9.-]{0,63}$' }),
    arguments: Type.Record(Type.String(), Type.Unknown()),
    origin: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const TaskQuery = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ maxLength: 200 })),
    origin: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(Type.Union(COMMAND_STATUSES.map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  },
  { additionalProperties: false },
);

/**
 * What admins see of and do to the agent channel: tasks (queue for devices or a group, list,
 * cancel), events, agent state, credential revocation. Every change is audited.
 */
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

  app.post<{ Body: typeof NewTasks.static }>(
    '/api/v1/agent/tasks',
    { schema: { tags: ['agent'], body: NewTasks } },
    async (request, reply) => {
      const admin = adminOf(request);
      const { deviceIds, groupId, kind, arguments: args, origin } = request.body;
      if (!deviceIds === !groupId) throw badRequest('give either deviceIds or groupId');
      const tasks = await storage.transaction(async (s) => {
        let targets = deviceIds ? [...new Set(deviceIds)] : [];
        if (groupId) {
          if (!(await s.getGroup(groupId))) throw notFound('group', groupId);
          // A group mixes devices with and without the agent: only agents can run a task.
          targets = await s.devicesOnChannel('agent', await s.devicesForSubject('group', groupId));
        }
        const missing = await s.missingDevices(targets);
        if (missing.length > 0) throw badRequest(`${missing.length} device(s) do not exist`);
        const reached = new Set(await s.devicesOnChannel('agent', targets));
        const unreachable = targets.filter((id) => !reached.has(id));
        if (unreachable.length > 0) throw notOnChannel('the Latch agent', unreachable);
        const queued = await agentChannel.tasks.enqueue(
          targets,
          { kind, arguments: args, origin },
          s,
        );
        await s.recordAudit({
          actor: admin.username,
          action: 'agent.task.enqueue',
          entityType: groupId ? 'group' : 'device',
          entityId: groupId ?? (targets.length === 1 ? (targets[0] ?? null) : null),
          before: null,
          after: { kind, arguments: args, origin: origin ?? null, devices: targets.length },
        });
        return queued;
      });
      return reply.status(201).send({ tasks });
    },
  );

  app.get<{ Querystring: typeof TaskQuery.static }>(
    '/api/v1/agent/tasks',
    { schema: { tags: ['agent'], querystring: TaskQuery } },
    async (request) => ({ items: await agentChannel.tasks.list(request.query) }),
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/agent/tasks/:id',
    { schema: { tags: ['agent'], params: IdParams } },
    async (request) => {
      const task = await agentChannel.tasks.get(request.params.id);
      if (!task) throw notFound('agent task', request.params.id);
      return task;
    },
  );

  app.delete<{ Params: typeof IdParams.static }>(
    '/api/v1/agent/tasks/:id',
    { schema: { tags: ['agent'], params: IdParams } },
    async (request) => {
      const admin = adminOf(request);
      const task = await agentChannel.tasks.cancel(
        request.params.id,
        `cancelled by ${admin.username}`,
      );
      if (!task) throw notFound('unanswered agent task', request.params.id);
      await storage.recordAudit({
        actor: admin.username,
        action: 'agent.task.cancel',
        entityType: 'agent-task',
        entityId: task.id,
        before: null,
        after: task,
      });
      return task;
    },
  );
}
