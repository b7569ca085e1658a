import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`AuditStore and SettingsStore on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    it('lists audit entries newest first, in pages, with before and after', async () => {
      for (let i = 0; i < 5; i++) {
        await storage.recordAudit({
          actor: 'admin',
          action: 'group.update',
          entityType: 'group',
          entityId: `g-${i}`,
          before: { name: `old ${i}` },
          after: { name: `new ${i}` },
        });
      }

      const first = await storage.listAudit({ limit: 3 });
      const second = await storage.listAudit({ limit: 3, cursor: first.nextCursor ?? '' });

      assert.deepEqual(
        first.items.map((e) => e.entityId),
        ['g-4', 'g-3', 'g-2'],
      );
      assert.deepEqual(
        second.items.map((e) => e.entityId),
        ['g-1', 'g-0'],
      );
      assert.equal(second.nextCursor, null);
      assert.deepEqual(first.items[0]?.before, { name: 'old 4' });
      assert.deepEqual(first.items[0]?.after, { name: 'new 4' });
      assert.equal(first.items[0]?.actor, 'admin');
    });

    it('keeps settings as JSON values and overwrites by key', async () => {
      await storage.putSettings({ storeMarket: 'DE', limits: { a: 1 } });
      await storage.putSettings({ storeMarket: 'FR' });

      assert.deepEqual(await storage.getSettings(), { storeMarket: 'FR', limits: { a: 1 } });
    });

    it('a failed transaction leaves neither its change nor its audit entry', async () => {
      const before = (await storage.listAudit({ limit: 500 })).items.length;

      await assert.rejects(
        storage.transaction(async (s) => {
          await s.putSettings({ storeMarket: 'GB' });
          await s.recordAudit({
            actor: 'admin',
            action: 'settings.update',
            entityType: 'settings',
            entityId: null,
            before: null,
            after: null,
          });
          throw new Error('boom');
        }),
        /boom/,
      );

      assert.equal((await storage.getSettings()).storeMarket, 'FR');
      assert.equal((await storage.listAudit({ limit: 500 })).items.length, before);
    });
  });
}
