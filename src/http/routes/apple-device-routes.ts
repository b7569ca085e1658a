import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.js';
import { planForDevice } from '../../service/device-policies.js';
import type { RenderedDeclaration } from '../../apple/storage-declarations.js';
import type { AppleDeclarationState } from '../../storage/storage.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

/**
 * A device's Apple MDM state for the admin: its enrolment (secrets shown only as present or
 * absent), the profiles it reported or acknowledged, the declarations' states from its last
 * status report, and each policy's delivery status.
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
        declarations: (await storage.listAppleDeclarationStates(request.params.id)).map(
          ({ deviceId: _deviceId, ...state }) => state,
        ),
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
      const reported = new Map(
        (await storage.listAppleDeclarationStates(request.params.id)).map((d) => [d.identifier, d]),
      );
      const items = planned.plan.applicability.map((entry) => {
        const profiles = planned.plan.profiles
          .filter((p) => p.policyId === entry.policyId)
          .map((p) => ({
            identifier: p.identifier,
            uuid: p.uuid,
            installed: installed.get(p.identifier) === p.uuid,
          }));
        const declarations = planned.plan.declarations
          .filter((d) => d.policyId === entry.policyId)
          .map((d) => declarationDelivery(d, reported.get(d.identifier)));
        const delivery =
          entry.status !== 'applies'
            ? entry.status
            : profiles.every((p) => p.installed) && declarations.every((d) => d.applied)
              ? 'applied'
              : 'pending';
        return {
          policyId: entry.policyId,
          status: delivery,
          applicability: entry,
          profiles,
          declarations,
        };
      });
      return { items };
    },
  );
}

/**
 * A planned declaration beside what the device last reported of it: applied once the device
 * reports this revision (ServerToken) active and valid.
 */
function declarationDelivery(planned: RenderedDeclaration, state?: AppleDeclarationState) {
  const current = state?.serverToken === planned.serverToken;
  return {
    identifier: planned.identifier,
    type: planned.type,
    serverToken: planned.serverToken,
    reported: state
      ? {
          serverToken: state.serverToken,
          active: state.active,
          valid: state.valid,
          reasons: state.reasons,
        }
      : null,
    applied: current && state.active && state.valid === 'valid',
  };
}
