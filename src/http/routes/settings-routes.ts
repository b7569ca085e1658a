import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OrganisationSettingsSchema, readSettings } from '../../service/organisation-settings.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';

const SettingsPatch = Type.Partial(OrganisationSettingsSchema, {
  additionalProperties: false,
  minProperties: 1,
});

/** The organisation's settings: Store market, minimum versions, help URL, agent identity. */
export function settingsRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get('/api/v1/settings', { schema: { tags: ['settings'] } }, async () =>
    readSettings(storage),
  );

  app.patch<{ Body: typeof SettingsPatch.static }>(
    '/api/v1/settings',
    { schema: { tags: ['settings'], body: SettingsPatch } },
    async (request) => {
      const admin = adminOf(request);
      return storage.transaction(async (s) => {
        const before = await readSettings(s);
        await s.putSettings(request.body);
        const after = await readSettings(s);
        await s.recordAudit({
          actor: admin.username,
          action: 'settings.update',
          entityType: 'settings',
          entityId: null,
          before,
          after,
        });
        return after;
      });
    },
  );
}
