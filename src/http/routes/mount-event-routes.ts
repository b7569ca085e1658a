import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.js';
import type { AppContext } from '../context.js';
import { IdParams, PageQuery } from '../schemas.js';

const DECISIONS = ['deny', 'read-only', 'audit'] as const;
const CATEGORIES = [
  'internal',
  'external',
  'sd-card',
  'disk-image',
  'network',
  'optical',
  'unknown',
] as const;

const filterFields = {
  decision: Type.Optional(Type.Union(DECISIONS.map((d) => Type.Literal(d)))),
  category: Type.Optional(Type.Union(CATEGORIES.map((c) => Type.Literal(c)))),
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms, inclusive' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms, exclusive' })),
  ...PageQuery,
};
const DeviceMountEventQuery = Type.Object(filterFields, { additionalProperties: false });
const MountEventQuery = Type.Object(
  { deviceId: Type.Optional(Type.String({ maxLength: 200 })), ...filterFields },
  { additionalProperties: false },
);

/**
 * Mount reports from the agents (refused, remounted read-only and audited mounts), per device and
 * across the fleet, newest first, paged by cursor.
 */
export function mountEventRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get<{ Querystring: typeof MountEventQuery.static }>(
    '/api/v1/mount-events',
    { schema: { tags: ['storage control'], querystring: MountEventQuery } },
    async (request) => storage.listMountEvents(request.query),
  );

  app.get<{ Params: typeof IdParams.static; Querystring: typeof DeviceMountEventQuery.static }>(
    '/api/v1/devices/:id/mount-events',
    { schema: { tags: ['storage control'], params: IdParams, querystring: DeviceMountEventQuery } },
    async (request) => {
      const device = await storage.getDevice(request.params.id);
      if (!device) throw notFound('device', request.params.id);
      return storage.listMountEvents({ ...request.query, deviceId: device.id });
    },
  );
}
