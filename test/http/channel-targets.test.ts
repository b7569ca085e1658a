import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { enrollAgent, newEnrollmentToken } from '../helpers/agent.js';
import { authenticate } from '../helpers/apple.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`commands and tasks reach only devices on their channel, on ${backend.name}`, () => {
    let app: TestApp;
    let mac: string;
    let agentPc: string;
    let mdmOnlyPc: string;
    let groupId: string;
    before(async () => {
      app = await startTestApp(backend);
      mac = (await authenticate(app, 'CHANNEL-MAC-UDID')).deviceId;
      const enrolled = await enrollAgent(app, await newEnrollmentToken(app), {
        serialNumber: 'CHANNEL-PC-1',
        platform: 'windows',
      });
      agentPc = enrolled.body.deviceId as string;
      mdmOnlyPc = (await app.storage.observeDevice({ platform: 'windows', serialNumber: 'MDM-PC' }))
        .id;
      const group = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Mixed' } });
      groupId = group.body.id as string;
      await app.api(`/api/v1/groups/${groupId}/members`, {
        method: 'POST',
        body: { deviceIds: [mac, agentPc, mdmOnlyPc] },
      });
    });
    after(() => app.close());

    it('queues a group Apple command for its Apple-enrolled members only', async () => {
      const response = await app.api('/api/v1/apple/commands', {
        method: 'POST',
        body: { requestType: 'SecurityInfo', groupId },
      });

      assert.equal(response.status, 202);
      assert.deepEqual(
        response.body.items.map((c: { deviceId: string }) => c.deviceId),
        [mac],
      );
      assert.equal(response.body.skipped, 2);
      assert.deepEqual(await app.storage.listCommands({ deviceId: mdmOnlyPc }), []);
    });

    it('refuses an Apple command for a named device not enrolled in Apple MDM', async () => {
      const response = await app.api('/api/v1/apple/commands', {
        method: 'POST',
        body: { requestType: 'SecurityInfo', deviceIds: [mac, agentPc] },
      });

      assert.equal(response.status, 409);
      assert.equal(response.body.error.code, 'device_not_on_channel');
      assert.deepEqual(await app.storage.listCommands({ deviceId: agentPc, channel: 'apple' }), []);
    });

    it('queues a group agent task for agents only, and refuses others', async () => {
      const task = { kind: 'exec', arguments: { command: 'hostname', args: [] } };

      const forGroup = await app.api('/api/v1/agent/tasks', {
        method: 'POST',
        body: { groupId, ...task },
      });
      const forMac = await app.api('/api/v1/agent/tasks', {
        method: 'POST',
        body: { deviceIds: [mac], ...task },
      });

      assert.equal(forGroup.status, 201);
      assert.deepEqual(
        forGroup.body.tasks.map((t: { deviceId: string }) => t.deviceId),
        [agentPc],
      );
      assert.equal(forMac.status, 409);
      assert.equal(forMac.body.error.code, 'device_not_on_channel');
    });
  });
}
