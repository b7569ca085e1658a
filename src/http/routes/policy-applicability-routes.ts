import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.js';
import { devicesReachedByPolicy, planForDevice } from '../../service/device-policies.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

const DevicesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'the last deviceId seen' })),
  },
  { additionalProperties: false },
);

/**
 * Whether policies apply, as the console shows it: per policy over the devices it reaches, and
 * per device over the policies reaching it. Status is `applies`, `pending` (with the unmet
 * requirement) or `not-applicable`, with the reason.
 */
export function policyApplicabilityRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get<{ Params: typeof IdParams.static; Querystring: typeof DevicesQuery.static }>(
    '/api/v1/policies/:id/devices',
    { schema: { tags: ['policies'], params: IdParams, querystring: DevicesQuery } },
    async (request) => {
      const policy = await storage.getPolicy(request.params.id);
      if (!policy) throw notFound('policy', request.params.id);
      const limit = request.query.limit ?? 200;
      const cursor = request.query.cursor;
      const reached = await devicesReachedByPolicy(storage, policy.id);
      const page = reached.filter((id) => cursor === undefined || id > cursor).slice(0, limit);
      const now = Date.now();
      const items = [];
      for (const deviceId of page) {
        const planned = await planForDevice(storage, deviceId, now);
        const entry = planned?.plan.applicability.find((a) => a.policyId === policy.id);
        if (!planned || !entry) continue;
        const { device } = planned;
        items.push({ deviceId, name: device.name, platform: device.platform, ...entry });
      }
      const last = page[page.length - 1];
      const more = last !== undefined && reached[reached.length - 1] !== last;
      return { items, nextCursor: more ? last : null };
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id/policies',
    { schema: { tags: ['policies'], params: IdParams } },
    async (request) => {
      const planned = await planForDevice(storage, request.params.id);
      if (!planned) throw notFound('device', request.params.id);
      const { plan } = planned;
      return {
        items: plan.applicability,
        restriction: plan.restriction,
        profiles: plan.profiles.map(({ identifier, uuid, displayName, policyId }) => ({
          identifier,
          uuid,
          displayName,
          policyId,
        })),
        declarations: plan.declarations.map(({ identifier, type, serverToken, policyId }) => ({
          identifier,
          type,
          serverToken,
          policyId,
        })),
      };
    },
  );
}
