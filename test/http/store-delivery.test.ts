import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startFakeStore } from '../../src/catalog/msstore/fake-store.js';
import type { FakeStore } from '../../src/catalog/msstore/fake-store.js';
import { enrollAgent, newEnrollmentToken, agentApi } from '../helpers/agent.js';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { enrollWindowsDevice } from '../helpers/windows-device.js';

const golden = (name: string) =>
  readFileSync(new URL(`../../../test/golden/msstore/${name}`, import.meta.url), 'utf8');
/** One command element, CmdID set aside, whitespace between tags and in empty tags dropped. */
const canonical = (xml: string) =>
  xml
    .replace(/<CmdID>[^<]*<\/CmdID>/, '')
    .replace(/>\s+</g, '><')
    .replace(/\s*\/>/g, '/>')
    .trim();

for (const backend of BACKENDS) {
  describe(`Store app delivery on ${backend.name}`, () => {
    let store: FakeStore;
    let app: TestApp;
    before(async () => {
      store = await startFakeStore();
      app = await startTestApp(backend, {
        LATCH_STORE_URL: store.url,
        LATCH_TRUSTED_PROXIES: '127.0.0.1',
        LATCH_APP_DELIVERY_INTERVAL_S: '3600',
      });
    });
    after(async () => {
      await app.close();
      await store.close();
    });

    it('installs a modern app over Windows MDM with the documented StoreInstall', async () => {
      const pc = await enrollWindowsDevice(app);
      await pc.session();
      const devices = await app.api('/api/v1/devices?platform=windows');
      const deviceId = devices.body.items[0].id as string;
      const portal = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: '9WZDNCRFJ3PZ' },
      });

      await app.api(`/api/v1/store/apps/${portal.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectId: deviceId, context: 'user', intent: 'install' },
      });
      const queued = await app.api(`/api/v1/store/devices/${deviceId}/apps`);
      const first = (await pc.session()).join('\n');
      const installing = await app.api(`/api/v1/store/devices/${deviceId}/apps`);
      await pc.session();
      // Answers reach the app's state through the channel's answer listener, which runs after
      // the device's message is committed: wait for it instead of reading once.
      const done = await waitFor(
        () => app.api(`/api/v1/store/devices/${deviceId}/apps`),
        (r) => r.body.items[0].state !== 'installing',
      );

      const exec = /<Exec>[\s\S]*?<\/Exec>/.exec(first)?.[0] ?? '';
      assert.equal(canonical(exec), canonical(golden('exec-storeinstall-company-portal-user.xml')));
      assert.deepEqual([queued.body.items[0].state, queued.body.items[0].path], ['pending', 'mdm']);
      assert.equal(installing.body.items[0].state, 'installing');
      assert.deepEqual(
        [done.body.items[0].state, done.body.items[0].path, done.body.items[0].errorCode],
        ['installed', 'mdm', null],
      );
    });

    it('installs a legacy app through the agent with exactly the winget command', async () => {
      const token = await newEnrollmentToken(app);
      const enrolled = await enrollAgent(app, token, {
        platform: 'windows',
        serialNumber: `WINAGENT-${backend.name}`,
        hardwareUuid: `4C4C4544-0000-0000-0000-${backend.name === 'sqlite' ? '000000000001' : '000000000002'}`,
        osVersion: '10.0.22631',
      });
      const { deviceId, deviceSecret } = enrolled.body as {
        deviceId: string;
        deviceSecret: string;
      };
      const reader = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: 'XPDP273C0XHQH2' },
      });
      await app.api(`/api/v1/store/apps/${reader.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectId: deviceId, context: 'device', intent: 'install' },
      });

      const beforeTerms = await agentApi(app, deviceSecret, '/agent/v1/tasks');
      await app.api('/api/v1/store/terms/accept', { method: 'POST' });
      const install = await agentApi(app, deviceSecret, '/agent/v1/tasks');
      const task = install.body.tasks[0];
      await agentApi(app, deviceSecret, `/agent/v1/tasks/${task.id}/result`, {
        method: 'POST',
        body: {
          outcome: 'succeeded',
          exitCode: 0,
          outputTail: 'Successfully installed',
          startedAt: 1,
          finishedAt: 2,
        },
      });
      const list = await waitFor(
        () => agentApi(app, deviceSecret, '/agent/v1/tasks'),
        (r) => r.body.tasks.length > 0,
      );
      await agentApi(app, deviceSecret, `/agent/v1/tasks/${list.body.tasks[0].id}/result`, {
        method: 'POST',
        body: {
          outcome: 'succeeded',
          exitCode: 0,
          outputTail:
            'Name                          Id             Version      Source\r\n' +
            '------------------------------------------------------------------\r\n' +
            'Adobe Acrobat Reader (64-bit) XPDP273C0XHQH2 24.004.20272 msstore\r\n',
          startedAt: 3,
          finishedAt: 4,
        },
      });
      const states = await waitFor(
        () => app.api(`/api/v1/store/devices/${deviceId}/apps`),
        (r) => r.body.items[0].state !== 'installing',
      );

      assert.deepEqual(beforeTerms.body.tasks, []);
      assert.equal(task.kind, 'exec');
      assert.deepEqual(task.arguments.args, [
        'install',
        '--id',
        'XPDP273C0XHQH2',
        '--source',
        'msstore',
        '--exact',
        '--silent',
        '--accept-package-agreements',
        '--accept-source-agreements',
        '--scope',
        'machine',
      ]);
      assert.equal(task.arguments.command, 'winget');
      assert.deepEqual(list.body.tasks[0].arguments.args.slice(0, 3), [
        'list',
        '--id',
        'XPDP273C0XHQH2',
      ]);
      assert.deepEqual(
        [states.body.items[0].state, states.body.items[0].path, states.body.items[0].version],
        ['installed', 'agent', '24.004.20272'],
      );
    });
  });
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}
