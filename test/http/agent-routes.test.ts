import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { agentApi, enrollAgent, newEnrollmentToken } from '../helpers/agent.js';

const CERT_HEADER = 'x-ssl-client-cert';
const IDLE_STATE = {
  osVersion: '14.5',
  agentVersion: '1.4.3',
  trayVersion: '1.2.1',
  extensionState: 'approved',
  volumes: [{ name: 'Macintosh HD', mountPoint: '/', bus: 'PCI-Express' }],
};

for (const backend of BACKENDS) {
  describe(`agent API on ${backend.name}`, () => {
    let app: TestApp;
    let token: string;
    before(async () => {
      app = await startTestApp(backend, {
        LATCH_CLIENT_CERT_HEADER: CERT_HEADER,
        LATCH_TRUSTED_PROXIES: '127.0.0.1',
      });
      token = await newEnrollmentToken(app, 50);
    });
    after(() => app.close());

    it('answers an idle check-in with nothing changed', async () => {
      const { body } = await enrollAgent(app, token, {
        serialNumber: 'IDLE-1',
        hardwareUuid: 'HW-IDLE',
      });
      const secret = body.deviceSecret as string;

      const first = await agentApi(app, secret, '/agent/v1/checkin', {
        method: 'POST',
        body: { stateHash: 'h1', state: IDLE_STATE },
      });
      const idle = await agentApi(app, secret, '/agent/v1/checkin', {
        method: 'POST',
        body: { stateHash: 'h1', settingsEtag: first.body.settings.etag },
      });
      const unknownHash = await agentApi(app, secret, '/agent/v1/checkin', {
        method: 'POST',
        body: { stateHash: 'h2', settingsEtag: first.body.settings.etag },
      });

      assert.equal(first.status, 200);
      assert.equal(first.body.settings.changed, true);
      assert.equal(first.body.sendState, false);
      assert.deepEqual(idle.body, {
        settings: { etag: first.body.settings.etag, changed: false },
        tasks: { pending: 0 },
        sendState: false,
        checkinIntervalSeconds: 60,
      });
      assert.equal(unknownHash.body.sendState, true);
      const device = await app.storage.getDevice(body.deviceId);
      assert.equal(device?.agentVersion, '1.4.3');
      const state = await app.api(`/api/v1/devices/${body.deviceId}/agent`);
      assert.equal(state.body.extensionState, 'approved');
      assert.deepEqual(state.body.state.volumes, IDLE_STATE.volumes);
    });

    it('tells an idle agent within a second of a policy another server assigned', async () => {
      const { body } = await enrollAgent(app, token, {
        serialNumber: 'GEN-1',
        hardwareUuid: 'HW-GEN',
      });
      const secret = body.deviceSecret as string;
      const checkIn = (etag: string) =>
        agentApi(app, secret, '/agent/v1/checkin', {
          method: 'POST',
          body: { stateHash: 'g1', settingsEtag: etag },
        });
      const first = await agentApi(app, secret, '/agent/v1/checkin', {
        method: 'POST',
        body: { stateHash: 'g1', state: IDLE_STATE },
      });
      const etag = first.body.settings.etag as string;
      assert.equal((await checkIn(etag)).body.settings.changed, false);

      // Written straight to the database, as another server sharing it would.
      const policy = await app.storage.createPolicy({
        kind: 'storage-restriction',
        name: 'Assigned elsewhere',
        settings: { mode: 'block' },
      });
      await app.storage.assign({
        targetKind: 'policy',
        targetId: policy.id,
        subjectKind: 'device',
        subjectId: body.deviceId,
      });
      const assignedAt = Date.now();
      let answer = await checkIn(etag);
      while (!answer.body.settings.changed && Date.now() - assignedAt < 3000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await checkIn(etag);
      }

      assert.equal(answer.body.settings.changed, true);
      assert.ok(Date.now() - assignedAt < 1500, `noticed after ${Date.now() - assignedAt} ms`);
      const settings = await agentApi(app, secret, '/agent/v1/settings');
      assert.equal(settings.body.etag, answer.body.settings.etag);
      assert.equal(settings.body.settings.storageRestriction.policyId, policy.id);
      assert.equal(settings.body.settings.storageRestriction.mode, 'block');
    });

    it("carries the device's exception end, given in ISO 8601, as epoch ms", async () => {
      const { body } = await enrollAgent(app, token, {
        serialNumber: 'EXC-1',
        hardwareUuid: 'HW-EXC',
      });
      const until = '2031-05-06T07:08:09.000Z';
      const policy = await app.api('/api/v1/policies', {
        method: 'POST',
        body: {
          kind: 'storage-restriction',
          name: 'Block with an exception',
          settings: {
            mode: 'block',
            exceptions: [
              { deviceId: body.deviceId, until },
              { deviceId: 'another-device', until: '2032-01-01T00:00:00Z' },
            ],
          },
        },
      });
      assert.equal(policy.status, 201, JSON.stringify(policy.body));
      await app.storage.assign({
        targetKind: 'policy',
        targetId: policy.body.id,
        subjectKind: 'device',
        subjectId: body.deviceId,
      });

      const settings = await agentApi(app, body.deviceSecret, '/agent/v1/settings');

      assert.equal(settings.body.settings.storageRestriction.mode, 'block');
      assert.equal(settings.body.settings.storageRestriction.exceptionUntil, Date.parse(until));
    });

    it('serves the settings with an ETag and 304 when unchanged', async () => {
      const { body } = await enrollAgent(app, token, {
        serialNumber: 'SET-1',
        hardwareUuid: 'HW-SET',
      });

      const full = await agentApi(app, body.deviceSecret, '/agent/v1/settings');
      const again = await agentApi(app, body.deviceSecret, '/agent/v1/settings', {
        headers: { 'if-none-match': full.body.etag },
      });

      assert.equal(full.status, 200);
      assert.deepEqual(full.body.settings, {
        schemaVersion: 1,
        checkinIntervalSeconds: 60,
        minimumAgentVersion: '1.4.0',
        minimumTrayVersion: '1.2.0',
        storageRestriction: null,
      });
      assert.equal(again.status, 304);
    });

    it('stores a retried event batch once', async () => {
      const { body } = await enrollAgent(app, token, {
        serialNumber: 'EV-1',
        hardwareUuid: 'HW-EV',
      });
      const events = ['e1', 'e2', 'e3'].map((id, i) => ({
        id,
        kind: 'storage.mount-refused',
        occurredAt: 1_700_000_000_000 + i,
        payload: { volumeName: `USB ${i}`, bus: 'USB' },
      }));

      const first = await agentApi(app, body.deviceSecret, '/agent/v1/events', {
        method: 'POST',
        body: { events },
      });
      const retried = await agentApi(app, body.deviceSecret, '/agent/v1/events', {
        method: 'POST',
        body: { events: [...events, { ...events[0], id: 'e4' }] },
      });

      assert.deepEqual(first.body, { received: 3, stored: 3 });
      assert.deepEqual(retried.body, { received: 4, stored: 1 });
      const listed = await app.api(`/api/v1/agent/events?deviceId=${body.deviceId}`);
      assert.deepEqual(
        listed.body.items.map((e: { eventId: string }) => e.eventId),
        ['e1', 'e2', 'e3', 'e4'],
      );
      assert.deepEqual(listed.body.items[1].payload, { volumeName: 'USB 1', bus: 'USB' });
      const followed = await app.api(
        `/api/v1/agent/events?deviceId=${body.deviceId}&after=${listed.body.items[2].seq}`,
      );
      assert.deepEqual(
        followed.body.items.map((e: { eventId: string }) => e.eventId),
        ['e4'],
      );
      for (const after of ['-1', '9223372036854775807', '1.5']) {
        const refused = await app.api(`/api/v1/agent/events?after=${after}`);
        assert.equal(refused.status, 400, after);
        assert.equal(refused.body.error.code, 'invalid_request');
      }
      for (const parts of [[1e20], [1.5]]) {
        const cursor = Buffer.from(JSON.stringify(parts)).toString('base64url');
        const refused = await app.api(`/api/v1/agent/events?cursor=${cursor}`);
        assert.equal(refused.status, 400, JSON.stringify(parts));
        assert.equal(refused.body.error.code, 'invalid_request');
      }
    });

    it('refuses a revoked credential with 401', async () => {
      const { body } = await enrollAgent(app, token, {
        serialNumber: 'REV-1',
        hardwareUuid: 'HW-REV',
      });

      const revoked = await app.api(`/api/v1/devices/${body.deviceId}/agent-credentials`, {
        method: 'DELETE',
      });
      const after = await agentApi(app, body.deviceSecret, '/agent/v1/checkin', {
        method: 'POST',
        body: { stateHash: 'x' },
      });

      assert.equal(revoked.status, 204);
      assert.equal(after.status, 401);
      assert.equal(after.body.error.code, 'unauthenticated');
    });

    it('refuses oversized, malformed and invalid bodies with a code', async () => {
      const { body } = await enrollAgent(app, token, {
        serialNumber: 'BAD-1',
        hardwareUuid: 'HW-BAD',
      });
      const post = (payload: unknown) =>
        agentApi(app, body.deviceSecret, '/agent/v1/events', { method: 'POST', body: payload });

      const huge = await post({
        events: [{ id: 'big', kind: 'x', occurredAt: 1, payload: { blob: 'a'.repeat(1_100_000) } }],
      });
      const malformed = await post('{"events": [');
      const invalid = await post({
        events: [{ id: 'no spaces allowed', kind: 'x', occurredAt: 1 }],
      });

      assert.equal(huge.status, 413);
      assert.equal(huge.body.error.code, 'body_too_large');
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'malformed_json');
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.code, 'invalid_request');
    });

    it('hands a group task to each member once and records its result once', async () => {
      const a = await enrollAgent(app, token, { serialNumber: 'TASK-A', hardwareUuid: 'HW-TA' });
      const b = await enrollAgent(app, token, { serialNumber: 'TASK-B', hardwareUuid: 'HW-TB' });
      const group = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Task PCs' } });
      await app.api(`/api/v1/groups/${group.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [a.body.deviceId, b.body.deviceId] },
      });
      const heard: string[] = [];
      const unsubscribe = app.server.context.agentChannel.tasks.onResult((t) => heard.push(t.id));
      const args = { command: 'choco', args: ['upgrade', 'git', '-y'] };

      const queued = await app.api('/api/v1/agent/tasks', {
        method: 'POST',
        body: { groupId: group.body.id, kind: 'exec', arguments: args, origin: 'package:git' },
      });
      const checkin = await agentApi(app, a.body.deviceSecret, '/agent/v1/checkin', {
        method: 'POST',
        body: { stateHash: 'x' },
      });
      const claimed = await agentApi(app, a.body.deviceSecret, '/agent/v1/tasks');
      const claimedAgain = await agentApi(app, a.body.deviceSecret, '/agent/v1/tasks');
      const taskId = claimed.body.tasks[0].id as string;
      const result = {
        outcome: 'succeeded',
        exitCode: 0,
        outputTail: 'Chocolatey upgraded 1/1 packages.',
        startedAt: 1_700_000_000_000,
        finishedAt: 1_700_000_004_000,
      };
      const fromOther = await agentApi(
        app,
        b.body.deviceSecret,
        `/agent/v1/tasks/${taskId}/result`,
        {
          method: 'POST',
          body: result,
        },
      );
      const first = await agentApi(app, a.body.deviceSecret, `/agent/v1/tasks/${taskId}/result`, {
        method: 'POST',
        body: result,
      });
      const retried = await agentApi(app, a.body.deviceSecret, `/agent/v1/tasks/${taskId}/result`, {
        method: 'POST',
        body: { ...result, outcome: 'failed', exitCode: 1 },
      });
      unsubscribe();

      assert.equal(queued.status, 201);
      assert.equal(queued.body.tasks.length, 2);
      assert.equal(checkin.body.tasks.pending, 1);
      assert.deepEqual(claimed.body.tasks, [
        { id: taskId, kind: 'exec', arguments: args, attempt: 1 },
      ]);
      assert.deepEqual(claimedAgain.body.tasks, []);
      assert.equal(fromOther.status, 404);
      assert.equal(fromOther.body.error.code, 'not_found');
      assert.deepEqual(first.body, { recorded: true });
      assert.deepEqual(retried.body, { recorded: false });
      const stored = await app.api(`/api/v1/agent/tasks/${taskId}`);
      assert.equal(stored.body.status, 'acknowledged');
      assert.deepEqual(stored.body.result, result);
      assert.equal(stored.body.origin, 'package:git');
      assert.deepEqual(heard, [taskId]);
      const forB = await app.api(`/api/v1/agent/tasks?deviceId=${b.body.deviceId}`);
      assert.deepEqual(
        forB.body.items.map((t: { status: string }) => t.status),
        ['pending'],
      );
    });

    it('cancels an unanswered task, and the agent no longer gets it', async () => {
      const { body } = await enrollAgent(app, token, {
        serialNumber: 'CAN-1',
        hardwareUuid: 'HW-CAN',
      });
      const queued = await app.api('/api/v1/agent/tasks', {
        method: 'POST',
        body: { deviceIds: [body.deviceId], kind: 'exec', arguments: { command: 'true' } },
      });

      const cancelled = await app.api(`/api/v1/agent/tasks/${queued.body.tasks[0].id}`, {
        method: 'DELETE',
      });
      const claimed = await agentApi(app, body.deviceSecret, '/agent/v1/tasks');

      assert.equal(cancelled.body.status, 'cancelled');
      assert.deepEqual(claimed.body.tasks, []);
    });

    it('refuses every agent route without a credential, walking the route table', async () => {
      const routes = app.server.app.routeTable.filter(
        (r) => r.url.startsWith('/agent/') && r.method !== 'HEAD' && r.url !== '/agent/v1/enroll',
      );

      assert.ok(routes.length >= 3);
      for (const route of routes) {
        const response = await app.api(route.url.replace(/:(\w+)/g, 'x'), {
          method: route.method,
          headers: { authorization: 'Bearer lta_wrong' },
          ...(route.method === 'GET' ? {} : { body: {} }),
        });
        assert.equal(response.status, 401, `${route.method} ${route.url}`);
      }
    });
  });
}
