import type { SettingsStore } from '../storage.js';
import type { Executor } from './executor.js';

export function settingsStore(db: Executor): SettingsStore {
  return {
    async getSettings() {
      const rows = await db.selectFrom('settings').select(['key', 'value']).execute();
      return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    },

    async putSettings(values) {
      const now = Date.now();
      const rows = Object.entries(values).map(([key, value]) => ({
        key,
        value: JSON.stringify(value),
        updated_at: now,
      }));
      if (rows.length === 0) return;
      await db
        .insertInto('settings')
        .values(rows)
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },
  };
}
