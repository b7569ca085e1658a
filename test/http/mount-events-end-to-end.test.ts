import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentClient } from '../../src/agent/agent-client.js';
import { AgentRunner } from '../../src/agent/agent-runner.js';
import { readDiskutilInfoPlist } from '../../src/agent/diskutil-info.js';
import { MOUNT_EVENT_KIND } from '../../src/agent/mount-report.js';
import { restrictionOfMode } from '../../src/agent/restriction-of-mode.js';
import { StorageControl } from '../../src/agent/storage-control.js';
import { enrollAgent, newEnrollmentToken } from '../helpers/agent.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { readFixture } from '../helpers/fixtures.js';

const stick = readDiskutilInfoPlist(
  readFixture('disks', 'usb-thumb-drive_sandisk-cruzer-fit_info.plist'),
);

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const value = await read();
    if (done(value) || i === 500) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const backend of BACKENDS) {
  describe(`refused mounts reach the admin API on ${backend.name}`, () => {
    let app: TestApp;
    let dataDir: string;
    before(async () => {
      app = await startTestApp(backend);
      dataDir = await mkdtemp(join(tmpdir(), 'latch-agent-'));
    });
    after(async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('queues the report on disk, survives a restart and is stored once', async () => {
      const enrolled = await enrollAgent(app, await newEnrollmentToken(app), {
        serialNumber: `C02MOUNT${backend.name}`,
      });
      const { deviceId, deviceSecret } = enrolled.body as {
        deviceId: string;
        deviceSecret: string;
      };
      const client = new AgentClient(app.url, { deviceSecret });
      const runnerOf = () =>
        new AgentRunner({
          client,
          dataDir,
          collectState: async () => ({ agentVersion: '1.4.2' }) as never,
          runTask: async () => {
            throw new Error('no tasks in this test');
          },
        });
      const queued: Promise<unknown>[] = [];
      const beforeRestart = runnerOf();
      const control = new StorageControl(
        {
          bootId: 'boot-1',
          now: () => 1_700_000_000_000,
          newEventId: () => 'local-1',
          onReport: (report) => {
            queued.push(
              beforeRestart.recordEvent(MOUNT_EVENT_KIND, { ...report }, report.occurredAt),
            );
          },
          onNotice: () => undefined,
        },
        restrictionOfMode('block'),
      );

      const decision = control.decideMount({ volume: stick }, 'ada');
      await Promise.all(queued);
      const afterRestart = runnerOf();
      const sent = await afterRestart.flushEvents();
      const again = await afterRestart.flushEvents();
      const listed = await eventually(
        () => app.api(`/api/v1/devices/${deviceId}/mount-events`),
        (response) => (response.body as { items: unknown[] }).items.length > 0,
      );

      assert.equal(decision.decision, 'deny');
      assert.equal(sent, 1);
      assert.equal(again, 0);
      const [event] = (listed.body as { items: Record<string, unknown>[] }).items;
      assert.deepEqual(
        { ...event, id: undefined, eventId: undefined, receivedAt: undefined },
        {
          id: undefined,
          eventId: undefined,
          receivedAt: undefined,
          deviceId,
          occurredAt: 1_700_000_000_000,
          user: 'ada',
          disk: 'disk2',
          bus: 'USB',
          mediaKind: null,
          volumeName: 'NO NAME',
          sizeBytes: 15665463296,
          category: 'external',
          decision: 'deny',
          rule: 'external-bus',
        },
      );
      client.close();
    });
  });
}
