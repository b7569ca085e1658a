import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { agentApi, enrollAgent, newEnrollmentToken } from '../helpers/agent.js';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const RESULT = {
  outcome: 'succeeded',
  exitCode: 0,
  outputTail: '',
  startedAt: 1_700_000_000_000,
  finishedAt: 1_700_000_001_000,
};

for (const backend of BACKENDS) {
  describe(`input bounds on ${backend.name}`, () => {
    let app: TestApp;
    let device: { deviceId: string; deviceSecret: string };
    before(async () => {
      app = await startTestApp(backend);
      const token = await newEnrollmentToken(app, 5);
      device = (await enrollAgent(app, token, { serialNumber: 'BOUNDS-1' })).body;
    });
    after(() => app.close());

    it('refuses enrolment tokens expiring more than 10 years away', async () => {
      const before = (await app.api('/api/v1/enrollment-tokens')).body.items.length;

      const huge = await app.api('/api/v1/enrollment-tokens', {
        method: 'POST',
        body: { name: 'forever', expiresAt: 1e300 },
      });
      const eleven = await app.api('/api/v1/enrollment-tokens', {
        method: 'POST',
        body: { name: 'eleven years', expiresAt: Date.now() + 11 * YEAR_MS },
      });
      const nine = await app.api('/api/v1/enrollment-tokens', {
        method: 'POST',
        body: { name: 'nine years', expiresAt: Date.now() + 9 * YEAR_MS },
      });

      assert.equal(huge.status, 400);
      assert.equal(huge.body.error.code, 'invalid_request');
      assert.deepEqual(huge.body.error.issues, [
        { path: '/expiresAt', message: 'is more than 10 years away' },
      ]);
      assert.equal(eleven.status, 400);
      assert.equal(eleven.body.error.code, 'invalid_request');
      assert.equal(nine.status, 201);
      assert.equal((await app.api('/api/v1/enrollment-tokens')).body.items.length, before + 1);
    });

    it('accepts only http(s) help URLs in the organisation settings', async () => {
      const before = (await app.api('/api/v1/settings')).body.helpUrl;

      const script = await app.api('/api/v1/settings', {
        method: 'PATCH',
        body: { helpUrl: 'javascript:alert(1)' },
      });
      const file = await app.api('/api/v1/settings', {
        method: 'PATCH',
        body: { helpUrl: 'file:///etc/passwd' },
      });
      const https = await app.api('/api/v1/settings', {
        method: 'PATCH',
        body: { helpUrl: 'HTTPS://it.example.org/usb' },
      });

      assert.equal(script.status, 400);
      assert.equal(script.body.error.code, 'invalid_request');
      assert.ok(script.body.error.issues.some((i: { path: string }) => i.path === '/helpUrl'));
      assert.equal(file.status, 400);
      assert.equal(file.body.error.code, 'invalid_request');
      assert.equal(before, 'https://help.example.com/external-storage');
      assert.equal(https.status, 200);
      assert.equal(https.body.helpUrl, 'HTTPS://it.example.org/usb');
    });

    it('accepts only http(s) help URLs in storage policy settings', async () => {
      const refused = await app.api('/api/v1/policies', {
        method: 'POST',
        body: {
          kind: 'storage-restriction',
          name: 'Scripted',
          settings: { mode: 'block', helpUrl: 'javascript:alert(1)' },
        },
      });

      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.code, 'invalid_request');
      assert.ok(
        refused.body.error.issues.some((i: { path: string }) => i.path === '/settings/helpUrl'),
      );
      assert.deepEqual((await app.api('/api/v1/policies')).body.items, []);
    });

    for (const [label, occurredAt] of [
      ['1e23', 1e23],
      ['a time after 2099', 4_102_444_800_001],
      ['a string', '1700000000000'],
      ['null', null],
      ['a fraction', 1_700_000_000_000.5],
    ] as const) {
      it(`refuses an agent event whose occurredAt is ${label}`, async () => {
        const response = await agentApi(app, device.deviceSecret, '/agent/v1/events', {
          method: 'POST',
          body: { events: [{ id: `bad-${label}`, kind: 'test.bad', occurredAt, payload: {} }] },
        });

        assert.equal(response.status, 400);
        assert.equal(response.body.error.code, 'invalid_request');
        assert.ok(
          response.body.error.issues.some(
            (i: { path: string }) => i.path === '/events/0/occurredAt',
          ),
        );
        const stored = await app.api(`/api/v1/agent/events?deviceId=${device.deviceId}`);
        assert.deepEqual(stored.body.items, []);
      });
    }

    it('refuses a result for a task never sent to the device, and keeps it pending', async () => {
      const queued = await app.api('/api/v1/agent/tasks', {
        method: 'POST',
        body: { deviceIds: [device.deviceId], kind: 'exec', arguments: { command: 'true' } },
      });
      const taskId = queued.body.tasks[0].id as string;

      const early = await agentApi(app, device.deviceSecret, `/agent/v1/tasks/${taskId}/result`, {
        method: 'POST',
        body: RESULT,
      });
      const stored = await app.api(`/api/v1/agent/tasks/${taskId}`);
      const claimed = await agentApi(app, device.deviceSecret, '/agent/v1/tasks');
      const after = await agentApi(app, device.deviceSecret, `/agent/v1/tasks/${taskId}/result`, {
        method: 'POST',
        body: RESULT,
      });

      assert.equal(queued.status, 201);
      assert.equal(early.status, 409);
      assert.equal(early.body.error.code, 'agent_task_not_sent');
      assert.equal(stored.body.status, 'pending');
      assert.equal(stored.body.result, null);
      assert.deepEqual(
        claimed.body.tasks.map((t: { id: string }) => t.id),
        [taskId],
      );
      assert.deepEqual(after.body, { recorded: true });
    });
  });
}
