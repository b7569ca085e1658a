import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PLATFORMS } from '../../domain.js';
import { notFound } from '../../errors.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams, PageQuery } from '../schemas.js';

const DeviceQuery = Type.Object(
  {
    platform: Type.Optional(Type.Union(PLATFORMS.map((p) => Type.Literal(p)))),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    groupId: Type.Optional(Type.String({ maxLength: 200 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** The inventory: devices are created by their enrolments; admins read and delete them. */
export function deviceRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get<{ Querystring: typeof DeviceQuery.static }>(
    '/api/v1/devices',
    { schema: { tags: ['devices'], querystring: DeviceQuery } },
    async (request) => {
      const { platform, q, groupId, limit, cursor } = request.query;
      return storage.listDevices({ platform, search: q, groupId, limit, cursor });
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id',
    { schema: { tags: ['devices'], params: IdParams } },
    async (request) => {
      const device = await storage.getDevice(request.params.id);
      if (!device) throw notFound('device', request.params.id);
      const groups = await storage.groupsOfDevice(device.id);
      return { ...device, groups: groups.map(({ id, name }) => ({ id, name })) };
    },
  );

  app.delete<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id',
    { schema: { tags: ['devices'], params: IdParams } },
    async (request, reply) => {
      const admin = adminOf(request);
      await storage.transaction(async (s) => {
        const before = await s.getDevice(request.params.id);
        if (!before || !(await s.deleteDevice(before.id))) {
          throw notFound('device', request.params.id);
        }
        await s.recordAudit({
          actor: admin.username,
          action: 'device.delete',
          entityType: 'device',
          entityId: before.id,
          before,
          after: null,
        });
      });
      return reply.status(204).send();
    },
  );
}
