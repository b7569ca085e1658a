import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MountReport } from '../../src/agent/mount-report.js';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const REPORT: MountReport = {
  eventId: 'ev-1',
  occurredAt: 1_700_000_000_000,
  user: 'ada',
  disk: 'disk4',
  bus: 'Secure Digital',
  mediaKind: 'IOMedia',
  volumeName: 'CARD',
  sizeBytes: 127999672320,
  category: 'sd-card',
  decision: 'deny',
  rule: 'sd-card-bus',
};

for (const backend of BACKENDS) {
  describe(`mount event routes on ${backend.name}`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(backend);
    });
    after(() => app.close());

    it('lists a device’s mount events and the fleet’s, with filters', async () => {
      const mac = await app.storage.observeDevice({ platform: 'macos', serialNumber: 'R-ME' });
      const other = await app.storage.observeDevice({ platform: 'macos', serialNumber: 'R-MO' });
      await app.storage.recordMountEvents(mac.id, [REPORT], 1_700_000_000_500);
      await app.storage.recordMountEvents(
        other.id,
        [{ ...REPORT, eventId: 'ev-2', decision: 'audit' }],
        1_700_000_000_600,
      );

      const device = await app.api(`/api/v1/devices/${mac.id}/mount-events`);
      const audited = await app.api('/api/v1/mount-events?decision=audit');
      const fleet = await app.api('/api/v1/mount-events?limit=1');

      assert.equal(device.status, 200);
      assert.deepEqual(device.body.items, [
        { id: device.body.items[0].id, deviceId: mac.id, ...REPORT, receivedAt: 1_700_000_000_500 },
      ]);
      assert.deepEqual(
        audited.body.items.map((e: any) => `${e.deviceId} ${e.eventId}`),
        [`${other.id} ev-2`],
      );
      assert.equal(fleet.body.items.length, 1);
      assert.equal(typeof fleet.body.nextCursor, 'string');
    });

    it('answers 404 for an unknown device and 400 for a bad filter', async () => {
      const missing = await app.api('/api/v1/devices/nope/mount-events');
      const bad = await app.api('/api/v1/mount-events?decision=allow');

      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'invalid_request');
    });
  });
}
