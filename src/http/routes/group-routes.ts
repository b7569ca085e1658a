import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { badRequest, conflict, notFound } from '../../errors.js';
import { isUniqueViolation } from '../../storage/kysely/executor.js';
import type { Storage } from '../../storage/storage.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';
import { announceMembership } from './policy-announcements.js';

const MAX_MEMBERS_PER_REQUEST = 100_000;

const GroupBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const GroupPatch = Type.Partial(GroupBody, { additionalProperties: false, minProperties: 1 });
const MembersBody = Type.Object(
  {
    deviceIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: MAX_MEMBERS_PER_REQUEST,
    }),
  },
  { additionalProperties: false },
);
const MemberParams = Type.Object({ id: Type.String(), deviceId: Type.String() });

async function requireDevices(storage: Storage, deviceIds: string[]) {
  const missing = await storage.missingDevices([...new Set(deviceIds)]);
  if (missing.length > 0) {
    throw badRequest(
      `${missing.length} device(s) do not exist`,
      missing.slice(0, 20).map((id) => ({ path: '/deviceIds', message: `unknown device ${id}` })),
    );
  }
}

async function withNameCheck<T>(work: () => Promise<T>, name: string | undefined): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a group named ${String(name)} already exists`);
    throw error;
  }
}

/** Static groups and their membership; every change is audited in its own transaction. */
export function groupRoutes(app: FastifyInstance, { storage, policyEvents }: AppContext) {
  app.get('/api/v1/groups', { schema: { tags: ['groups'] } }, async () => ({
    items: await storage.listGroups(),
  }));

  app.post<{ Body: typeof GroupBody.static }>(
    '/api/v1/groups',
    { schema: { tags: ['groups'], body: GroupBody } },
    async (request, reply) => {
      const admin = adminOf(request);
      const group = await withNameCheck(
        () =>
          storage.transaction(async (s) => {
            const created = await s.createGroup(request.body);
            await s.recordAudit({
              actor: admin.username,
              action: 'group.create',
              entityType: 'group',
              entityId: created.id,
              before: null,
              after: created,
            });
            return created;
          }),
        request.body.name,
      );
      return reply.status(201).send(group);
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/groups/:id',
    { schema: { tags: ['groups'], params: IdParams } },
    async (request) => {
      const group = await storage.getGroup(request.params.id);
      if (!group) throw notFound('group', request.params.id);
      return { ...group, deviceIds: await storage.listMembers(group.id) };
    },
  );

  app.patch<{ Params: typeof IdParams.static; Body: typeof GroupPatch.static }>(
    '/api/v1/groups/:id',
    { schema: { tags: ['groups'], params: IdParams, body: GroupPatch } },
    async (request) => {
      const admin = adminOf(request);
      return withNameCheck(
        () =>
          storage.transaction(async (s) => {
            const before = await s.getGroup(request.params.id);
            if (!before) throw notFound('group', request.params.id);
            const after = await s.updateGroup(before.id, request.body);
            await s.recordAudit({
              actor: admin.username,
              action: 'group.update',
              entityType: 'group',
              entityId: before.id,
              before,
              after,
            });
            return after;
          }),
        request.body.name,
      );
    },
  );

  app.delete<{ Params: typeof IdParams.static }>(
    '/api/v1/groups/:id',
    { schema: { tags: ['groups'], params: IdParams } },
    async (request, reply) => {
      const admin = adminOf(request);
      const members = await storage.transaction(async (s) => {
        const before = await s.getGroup(request.params.id);
        if (!before) throw notFound('group', request.params.id);
        const deviceIds = await s.listMembers(before.id);
        await s.deleteGroup(before.id);
        await s.recordAudit({
          actor: admin.username,
          action: 'group.delete',
          entityType: 'group',
          entityId: before.id,
          before,
          after: null,
        });
        return deviceIds;
      });
      await announceMembership(storage, policyEvents, request.log, {
        groupId: request.params.id,
        deviceIds: members,
        joined: false,
      });
      return reply.status(204).send();
    },
  );

  app.post<{ Params: typeof IdParams.static; Body: typeof MembersBody.static }>(
    '/api/v1/groups/:id/members',
    { schema: { tags: ['groups'], params: IdParams, body: MembersBody } },
    async (request) => {
      const admin = adminOf(request);
      const { deviceIds } = request.body;
      const added = await storage.transaction(async (s) => {
        if (!(await s.getGroup(request.params.id))) throw notFound('group', request.params.id);
        await requireDevices(s, deviceIds);
        const count = await s.addMembers(request.params.id, deviceIds);
        await s.recordAudit({
          actor: admin.username,
          action: 'group.members.add',
          entityType: 'group',
          entityId: request.params.id,
          before: null,
          after: { added: deviceIds },
        });
        return count;
      });
      await announceMembership(storage, policyEvents, request.log, {
        groupId: request.params.id,
        deviceIds: [...new Set(deviceIds)],
        joined: true,
      });
      return { added };
    },
  );

  app.delete<{ Params: typeof MemberParams.static }>(
    '/api/v1/groups/:id/members/:deviceId',
    { schema: { tags: ['groups'], params: MemberParams } },
    async (request, reply) => {
      const admin = adminOf(request);
      const { id, deviceId } = request.params;
      await storage.transaction(async (s) => {
        if ((await s.removeMembers(id, [deviceId])) === 0) {
          throw notFound('group membership', `${id}/${deviceId}`);
        }
        await s.recordAudit({
          actor: admin.username,
          action: 'group.members.remove',
          entityType: 'group',
          entityId: id,
          before: { removed: [deviceId] },
          after: null,
        });
      });
      await announceMembership(storage, policyEvents, request.log, {
        groupId: id,
        deviceIds: [deviceId],
        joined: false,
      });
      return reply.status(204).send();
    },
  );
}
