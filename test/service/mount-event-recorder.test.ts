import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MOUNT_EVENT_KIND } from '../../src/agent/mount-report.js';
import type { AgentEventRecord } from '../../src/service/mount-event-recorder.js';
import { mountReportOf, recordMountEvents } from '../../src/service/mount-event-recorder.js';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

const PAYLOAD = {
  user: 'ada',
  disk: 'disk4s1',
  bus: 'USB',
  mediaKind: 'IOMedia',
  volumeName: 'NO NAME',
  sizeBytes: 15682240512,
  category: 'external',
  decision: 'deny',
  rule: 'external-bus',
};

function event(deviceId: string, eventId: string, payload: Record<string, unknown> = PAYLOAD) {
  return { deviceId, eventId, kind: MOUNT_EVENT_KIND, occurredAt: 42, payload };
}

describe('mount reports in agent events', () => {
  it('takes the event id and time from the agent event', () => {
    assert.deepEqual(mountReportOf(event('d', 'e-1')), {
      eventId: 'e-1',
      occurredAt: 42,
      ...PAYLOAD,
    });
  });

  it('ignores other kinds and payloads that are not mount reports', () => {
    const install: AgentEventRecord = { ...event('d', 'e-2'), kind: 'software.install' };

    assert.equal(mountReportOf(install), undefined);
    assert.equal(mountReportOf(event('d', 'e-3', { ...PAYLOAD, decision: 'allow' })), undefined);
    assert.equal(mountReportOf(event('d', 'e-4', { ...PAYLOAD, rule: 'Not A Rule' })), undefined);
    assert.equal(mountReportOf(event('d', 'e-5', { user: 'ada' })), undefined);
  });
});

for (const backend of BACKENDS) {
  describe(`recording mount events on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    it('stores each device’s reports once, however often the batch is replayed', async () => {
      const a = await storage.observeDevice({ platform: 'macos', serialNumber: 'REC-A' });
      const b = await storage.observeDevice({ platform: 'linux', serialNumber: 'REC-B' });
      const batch = [event(a.id, 'x'), event(b.id, 'x'), event(a.id, 'y', { bad: true })];

      const first = await recordMountEvents(storage, batch, 100);
      const replay = await recordMountEvents(storage, batch, 200);
      const listed = await storage.listMountEvents({ deviceId: a.id });

      assert.equal(first, 2);
      assert.equal(replay, 0);
      assert.deepEqual(
        listed.items.map((e) => `${e.eventId} ${e.receivedAt}`),
        ['x 100'],
      );
    });
  });
}
