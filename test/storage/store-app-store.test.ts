import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`StoreAppStore on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    const newApp = (storeId: string, name: string) => ({
      storeId,
      name,
      publisher: 'Microsoft Corporation',
      appType: 'modern' as const,
      kind: 'mdm' as const,
      packageFamilyName: 'Microsoft.CompanyPortal_8wekyb3d8bbwe',
      reason: null,
      market: 'US',
      addedBy: 'admin',
    });

    it('refreshes an app added twice under the same Latch id', async () => {
      const first = await storage.saveStoreApp(newApp('9WZDNCRFJ3PZ', 'Company Portal'));
      const again = await storage.saveStoreApp({
        ...newApp('9WZDNCRFJ3PZ', 'Portal'),
        addedBy: 'bob',
      });

      assert.equal(again.id, first.id);
      assert.equal(again.name, 'Portal');
      assert.equal(again.addedBy, 'admin');
      assert.equal((await storage.findStoreAppByStoreId('9WZDNCRFJ3PZ'))?.name, 'Portal');
    });

    it('keeps one state per app and device, lists by state, and lets one claim win', async () => {
      const app = await storage.saveStoreApp(newApp('9NCBCSZSJRSB', 'Spotify'));
      const device = await storage.observeDevice({ platform: 'windows', serialNumber: 'S-1' });
      const state = {
        appId: app.id,
        deviceId: device.id,
        assignmentId: 'a-1',
        intent: 'install' as const,
        context: 'user' as const,
        state: 'pending' as const,
        path: 'mdm' as const,
        version: null,
        errorCode: null,
        errorMeaning: null,
        reason: null,
        deliveryRef: null,
      };
      await storage.putDeviceAppState(state);
      await storage.putDeviceAppState({ ...state, reason: 'again' });

      const claims = await Promise.all([
        storage.swapDeliveryRef(app.id, device.id, null, 'cmd-1'),
        storage.swapDeliveryRef(app.id, device.id, null, 'cmd-2'),
      ]);
      const pending = await storage.listDeviceAppStates({ states: ['pending'] });
      const installed = await storage.listDeviceAppStates({ states: ['installed'] });

      assert.deepEqual(claims.filter(Boolean).length, 1);
      assert.equal(pending.filter((s) => s.appId === app.id).length, 1);
      assert.equal(pending.find((s) => s.appId === app.id)?.reason, 'again');
      assert.deepEqual(installed, []);
      const ref = pending.find((s) => s.appId === app.id)?.deliveryRef ?? '';
      assert.equal((await storage.findDeviceAppStateByRef(ref))?.deviceId, device.id);
      assert.equal(await storage.deleteDeviceAppStates(app.id, 'a-1'), 1);
    });

    it('answers a cached Store answer by key, replacing it on write', async () => {
      await storage.writeCatalogCache({
        key: 'search:US:vlc',
        market: 'US',
        kind: 'search',
        body: '[1]',
        fetchedAt: 5,
      });
      await storage.writeCatalogCache({
        key: 'search:US:vlc',
        market: 'US',
        kind: 'search',
        body: '[2]',
        fetchedAt: 9,
      });

      const entry = await storage.readCatalogCache('search:US:vlc');

      assert.deepEqual(entry, {
        key: 'search:US:vlc',
        market: 'US',
        kind: 'search',
        body: '[2]',
        fetchedAt: 9,
      });
      assert.equal(await storage.readCatalogCache('search:US:none'), undefined);
    });
  });
}
