import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`DeviceStore on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    it('creates a device from its first observation', async () => {
      const device = await storage.observeDevice({
        platform: 'macos',
        serialNumber: 'C02XK1ZQJGH5',
        udid: '0000FE00-A1B2C3D4E5F60718',
        model: 'MacBookPro18,3',
        osVersion: '14.5',
        supervised: true,
        enrollmentType: 'automated',
      });

      assert.equal(device.platform, 'macos');
      assert.equal(device.serialNumber, 'C02XK1ZQJGH5');
      assert.equal(device.supervised, true);
      assert.equal(device.enrollmentType, 'automated');
      assert.equal(device.agentVersion, null);
      assert.deepEqual(await storage.getDevice(device.id), device);
    });

    it('neither matches nor stores an empty or placeholder serial number', async () => {
      const first = await storage.observeDevice({
        platform: 'windows',
        udid: 'HWDEVID-PLACEHOLDER-1',
        serialNumber: 'Default string',
      });
      const second = await storage.observeDevice({
        platform: 'windows',
        udid: 'HWDEVID-PLACEHOLDER-2',
        serialNumber: 'Default string',
      });
      const updated = await storage.updateDevice(second.id, {
        platform: 'windows',
        serialNumber: '  ',
      });

      assert.notEqual(first.id, second.id);
      assert.deepEqual(
        [first.serialNumber, second.serialNumber, updated?.serialNumber],
        [null, null, null],
      );
    });

    it('never merges devices of different platforms, even on a shared serial number', async () => {
      const pc = await storage.observeDevice({
        platform: 'windows',
        udid: 'HWDEVID-SHARED-SERIAL',
        serialNumber: 'SHARED-SERIAL-1',
        name: 'Lab PC',
      });
      const mac = await storage.observeDevice({
        platform: 'macos',
        serialNumber: 'SHARED-SERIAL-1',
        hardwareUuid: 'HW-SHARED-SERIAL',
        osVersion: '14.5',
      });
      const iphone = await storage.observeDevice({ platform: 'ios', udid: 'UDID-FAMILY-1' });
      const sameAsIpad = await storage.observeDevice({ platform: 'ipados', udid: 'UDID-FAMILY-1' });

      assert.notEqual(mac.id, pc.id);
      assert.deepEqual(
        [mac.platform, mac.serialNumber, mac.hardwareUuid],
        ['macos', null, 'HW-SHARED-SERIAL'],
      );
      const unchanged = await storage.getDevice(pc.id);
      assert.deepEqual(
        [unchanged?.platform, unchanged?.serialNumber, unchanged?.name],
        ['windows', 'SHARED-SERIAL-1', 'Lab PC'],
      );
      assert.equal(sameAsIpad.id, iphone.id);
    });

    it('matches a device another transaction created while this one was creating it', async () => {
      let created!: () => void;
      const holding = new Promise<void>((resolve) => (created = resolve));
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const seen = { platform: 'macos' as const, serialNumber: 'RACE-SERIAL-1' };
      // The first channel creates the device and keeps its transaction open a moment.
      const first = storage.transaction(async (s) => {
        const device = await s.observeDevice(seen);
        created();
        await finished;
        return device;
      });
      await holding;
      // The second channel, in a transaction of its own, sees it too (and goes on after).
      const second = storage.transaction(async (s) => {
        const device = await s.observeDevice({ ...seen, osVersion: '15.2' });
        await s.observeDevice({ platform: 'linux', hardwareUuid: 'RACE-AFTER-1' });
        return device;
      });
      setTimeout(finish, 200);

      const [one, other] = await Promise.all([first, second]);
      assert.equal(other.id, one.id);
      assert.equal((await storage.getDevice(one.id))?.osVersion, '15.2');
    });

    it('matches the agent to the MDM enrolment by serial number and keeps known fields', async () => {
      const mdm = await storage.observeDevice({
        platform: 'macos',
        serialNumber: 'SERIAL-MATCH-1',
        udid: 'UDID-MATCH-1',
        osVersion: '15.1',
      });

      const agent = await storage.observeDevice({
        platform: 'macos',
        serialNumber: 'SERIAL-MATCH-1',
        hardwareUuid: 'HW-MATCH-1',
        agentVersion: '1.5.0',
        trayVersion: '1.3.0',
      });

      assert.equal(agent.id, mdm.id);
      assert.equal(agent.udid, 'UDID-MATCH-1');
      assert.equal(agent.osVersion, '15.1');
      assert.equal(agent.hardwareUuid, 'HW-MATCH-1');
      assert.equal(agent.agentVersion, '1.5.0');
    });

    it('matches by hardware UUID when the serial number is not reported', async () => {
      const first = await storage.observeDevice({ platform: 'linux', hardwareUuid: 'HW-ONLY-7' });

      const again = await storage.observeDevice({
        platform: 'linux',
        hardwareUuid: 'HW-ONLY-7',
        osVersion: '6.8',
      });

      assert.equal(again.id, first.id);
      assert.equal(again.osVersion, '6.8');
    });

    it('two concurrent first observations of one device make one device', async () => {
      const [a, b] = await Promise.all([
        storage.observeDevice({ platform: 'windows', serialNumber: 'RACE-1' }),
        storage.observeDevice({ platform: 'windows', serialNumber: 'RACE-1' }),
      ]);

      assert.equal(a.id, b.id);
    });

    it('lists devices by platform and search text in pages', async () => {
      for (let i = 0; i < 5; i++) {
        await storage.observeDevice({
          platform: 'ios',
          serialNumber: `PAGE-${i}`,
          name: `Reception iPad ${i}`,
        });
      }

      const first = await storage.listDevices({ platform: 'ios', limit: 3 });
      const second = await storage.listDevices({
        platform: 'ios',
        limit: 3,
        cursor: first.nextCursor ?? '',
      });
      const search = await storage.listDevices({ search: 'reception ipad 3' });
      const literal = await storage.listDevices({ search: '%' });

      assert.equal(first.items.length, 3);
      assert.equal(second.items.length, 2);
      assert.equal(second.nextCursor, null);
      assert.deepEqual(
        search.items.map((d) => d.serialNumber),
        ['PAGE-3'],
      );
      assert.equal(literal.items.length, 0);
    });

    it('refuses a cursor it did not issue', async () => {
      await assert.rejects(storage.listDevices({ cursor: 'bm90LWEtY3Vyc29y' }), {
        code: 'invalid_request',
      });
    });

    it('names the ids that are not devices', async () => {
      const device = await storage.observeDevice({ platform: 'linux', serialNumber: 'MISSING-1' });

      assert.deepEqual(await storage.missingDevices([device.id, 'nope-1', 'nope-2']), [
        'nope-1',
        'nope-2',
      ]);
    });

    it('deletes a device and reports whether there was one', async () => {
      const device = await storage.observeDevice({ platform: 'linux', serialNumber: 'DEL-1' });

      assert.equal(await storage.deleteDevice(device.id), true);
      assert.equal(await storage.deleteDevice(device.id), false);
      assert.equal(await storage.getDevice(device.id), undefined);
    });
  });
}
