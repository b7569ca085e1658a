import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { SettingsStore } from '../storage/storage.js';
import { HttpUrlSchema } from './policy-model.js';

/** The organisation's settings, as the API reads and writes them. */
export const OrganisationSettingsSchema = Type.Object(
  {
    storeMarket: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166 country code' }),
    minimumAgentVersion: Type.String({ pattern: '^\\d+(\\.\\d+){0,3}$' }),
    minimumTrayVersion: Type.String({ pattern: '^\\d+(\\.\\d+){0,3}$' }),
    helpUrl: HttpUrlSchema(),
    agentTeamId: Type.String({ pattern: '^[A-Z0-9]{10}$' }),
    agentBundleId: Type.String({ minLength: 1, maxLength: 255 }),
  },
  { additionalProperties: false },
);
export type OrganisationSettings = Static<typeof OrganisationSettingsSchema>;

/** What a new installation starts with; each can be changed through the API. */
export const DEFAULT_SETTINGS: OrganisationSettings = Object.freeze({
  storeMarket: 'US',
  minimumAgentVersion: '1.4.0',
  minimumTrayVersion: '1.2.0',
  helpUrl: 'https://help.example.com/external-storage',
  agentTeamId: 'LATCH00000',
  agentBundleId: 'dev.latch.agent.security-extension',
});

export async function readSettings(store: SettingsStore): Promise<OrganisationSettings> {
  const stored = await store.getSettings();
  const known = Object.fromEntries(
    Object.entries(stored).filter(([key]) => key in DEFAULT_SETTINGS),
  );
  return { ...DEFAULT_SETTINGS, ...known } as OrganisationSettings;
}
