import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MountReport } from '../../src/agent/mount-report.js';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

function report(eventId: string, extra: Partial<MountReport> = {}): MountReport {
  return {
    eventId,
    occurredAt: 1_000,
    user: 'ada',
    disk: 'disk4s1',
    bus: 'USB',
    mediaKind: 'IOMedia',
    volumeName: 'NO NAME',
    sizeBytes: 15682240512,
    category: 'external',
    decision: 'deny',
    rule: 'external-bus',
    ...extra,
  };
}

for (const backend of BACKENDS) {
  describe(`MountEventStore on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    it('stores a report once however often it is uploaded', async () => {
      const mac = await storage.observeDevice({ platform: 'macos', serialNumber: 'M-ONCE' });

      const first = await storage.recordMountEvents(mac.id, [report('e1'), report('e2')], 5);
      const again = await storage.recordMountEvents(mac.id, [report('e2'), report('e3')], 6);
      const page = await storage.listMountEvents({ deviceId: mac.id });

      assert.equal(first, 2);
      assert.equal(again, 1);
      assert.deepEqual(
        page.items.map((e) => e.eventId),
        ['e3', 'e2', 'e1'],
      );
      assert.deepEqual(page.items[2], {
        id: page.items[2]?.id,
        deviceId: mac.id,
        ...report('e1'),
        receivedAt: 5,
      });
    });

    it('filters by device, decision, category and time, and pages newest first', async () => {
      const a = await storage.observeDevice({ platform: 'macos', serialNumber: 'M-A' });
      const b = await storage.observeDevice({ platform: 'windows', serialNumber: 'L-B' });
      await storage.recordMountEvents(
        a.id,
        [
          report('a1', { occurredAt: 10 }),
          report('a2', { occurredAt: 20, decision: 'audit' }),
          report('a3', { occurredAt: 30, category: 'sd-card', rule: 'sd-card-bus' }),
        ],
        40,
      );
      await storage.recordMountEvents(b.id, [report('b1', { occurredAt: 15 })], 40);

      const denied = await storage.listMountEvents({ deviceId: a.id, decision: 'deny' });
      const sd = await storage.listMountEvents({ category: 'sd-card', deviceId: a.id });
      const window = await storage.listMountEvents({ deviceId: a.id, from: 20, to: 30 });
      const first = await storage.listMountEvents({ deviceId: a.id, limit: 2 });
      const second = await storage.listMountEvents({
        deviceId: a.id,
        limit: 2,
        cursor: first.nextCursor ?? '',
      });

      assert.deepEqual(
        denied.items.map((e) => e.eventId),
        ['a3', 'a1'],
      );
      assert.deepEqual(
        sd.items.map((e) => e.rule),
        ['sd-card-bus'],
      );
      assert.deepEqual(
        window.items.map((e) => e.eventId),
        ['a2'],
      );
      assert.deepEqual(
        first.items.map((e) => e.eventId),
        ['a3', 'a2'],
      );
      assert.deepEqual(
        second.items.map((e) => e.eventId),
        ['a1'],
      );
      assert.equal(second.nextCursor, null);
    });

    it('rejects a cursor it did not issue', async () => {
      await assert.rejects(storage.listMountEvents({ cursor: 'bogus' }), {
        code: 'invalid_request',
      });
    });
  });
}
