import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.js';
import { planForDevice } from '../../service/device-policies.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

/**
 * A device's Apple MDM state for the admin: its enrolment (secrets shown only as present or
 * absent), the profiles it reported or acknowledged, and each policy's delivery status.
 */
export function appleDeviceRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id/apple',
    { schema: { tags: ['devices'], params: IdParams } },
    async (request) => {
      const enrollment = await storage.getAppleEnrollment(request.params.id);
      if (!enrollment) throw notFound('Apple enrolment of device', request.params.id);
      const { pushToken, pushMagic, unlockToken, bootstrapToken, ...visible } = enrollment;
      return {
        ...visible,
        identityCertificate: undefined,
        pushTokenPresent: pushToken !== null,
        pushMagicPresent: pushMagic !== null,
        unlockTokenPresent: unlockToken !== null,
        bootstrapTokenPresent: bootstrapToken !== null,
        profiles: await storage.listAppleProfiles(request.params.id),
      };
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id/apple/policies',
    { schema: { tags: ['devices'], params: IdParams } },
    async (request) => {
      const planned = await planForDevice(storage, request.params.id);
      if (!planned) throw notFound('device', request.params.id);
      const installed = new Map(
        (await storage.listAppleProfiles(request.params.id)).map((p) => [
          p.identifier,
          p.payloadUuid,
        ]),
      );
      const items = planned.plan.applicability.map((entry) => {
        const profiles = planned.plan.profiles
          .filter((p) => p.policyId === entry.policyId)
          .map((p) => ({
            identifier: p.identifier,
            uuid: p.uuid,
            installed: installed.get(p.identifier) === p.uuid,
          }));
        const delivery =
          entry.status !== 'applies'
            ? entry.status
            : profiles.every((p) => p.installed)
              ? 'applied'
              : 'pending';
        return { policyId: entry.policyId, status: delivery, applicability: entry, profiles };
      });
      return { items };
    },
  );
}
