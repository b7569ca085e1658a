import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dispatchChocoInstalls } from '../../src/catalog/chocolatey/choco-deployment.js';
import { agentApi } from '../helpers/agent.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { chocoFetch, enrollFeedAgents } from '../helpers/choco-client.js';
import type { FeedCredentials } from '../helpers/choco-client.js';
import { startFakeNugetRepository } from '../fakes/nuget-repository.js';
import type { FakeNugetRepository } from '../fakes/nuget-repository.js';

const NUPKG = Buffer.from('xunit nupkg');

async function waitFor(check: () => Promise<boolean>) {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
}

/** Waits until the devices' installs have left `installing` (results are recorded async). */
async function settled(app: TestApp, deviceIds: string[]) {
  await waitFor(async () => {
    const installs = await Promise.all(
      deviceIds.map((id) => app.storage.listInstalls({ deviceId: id })),
    );
    return installs.every((list) => list.every((i) => i.state !== 'installing'));
  });
}

for (const backend of BACKENDS) {
  describe(`Chocolatey admin API on ${backend.name}`, () => {
    let repository: FakeNugetRepository;
    let app: TestApp;

    before(async () => {
      repository = await startFakeNugetRepository();
      repository.addPackageFile('xunit', '2.1.0', NUPKG);
      app = await startTestApp(backend, { LATCH_CHOCOLATEY_UPSTREAM: repository.url });
    });
    after(async () => {
      await app.close();
      await repository.close();
    });

    it('searches the repository and caches the answer', async () => {
      const first = await app.api('/api/v1/chocolatey/search?q=nuget');
      const second = await app.api('/api/v1/chocolatey/search?q=nuget');

      assert.equal(first.status, 200);
      assert.equal(first.body.items.length, 9);
      assert.equal(first.body.stale, false);
      assert.deepEqual(
        first.body.items.find((p: any) => p.packageId === 'Ciao'),
        {
          packageId: 'Ciao',
          version: '1.1.0',
          title: 'Ciao',
          summary: 'MSBuild targets for Continuous Integration',
          authors: 'Chris Eldredge',
          isPrerelease: false,
          iconUrl: null,
        },
      );
      assert.deepEqual(second.body, first.body);
      assert.equal(repository.paths.filter((p) => p.includes('Search()')).length, 1);
    });

    it('adds the latest version, fetches its file, and refuses it twice', async () => {
      const added = await app.api('/api/v1/chocolatey/packages', {
        method: 'POST',
        body: { packageId: 'xunit' },
      });
      const again = await app.api('/api/v1/chocolatey/packages', {
        method: 'POST',
        body: { packageId: 'XUnit', version: '2.1' },
      });
      const unknown = await app.api('/api/v1/chocolatey/packages', {
        method: 'POST',
        body: { packageId: 'xunit', version: '9.9.9' },
      });
      await waitFor(async () => repository.counts.download === 1);
      await waitFor(
        async () =>
          (await app.api(`/api/v1/chocolatey/packages/${added.body.id}`)).body.cacheState ===
          'cached',
      );
      const listed = await app.api('/api/v1/chocolatey/packages');

      assert.equal(added.status, 201);
      assert.equal(added.body.packageId, 'xunit');
      assert.equal(added.body.version, '2.1.0');
      assert.equal(again.status, 409);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'package_not_found');
      assert.equal(listed.body.items[0].cacheState, 'cached');
      assert.equal(listed.body.items[0].packageSize, NUPKG.length);
      assert.equal(listed.body.feedUrl, `${app.config.publicUrl}/chocolatey/api/v2`);
    });

    it('assigns to a group, queues choco tasks and records their exit codes', async () => {
      const pkg = (await app.api('/api/v1/chocolatey/packages')).body.items[0];
      const [pc, later] = await enrollFeedAgents(app, 2, 'OFFICE');
      const mac = await app.storage.observeDevice({ platform: 'macos', serialNumber: 'M-1' });
      const noAgent = await app.storage.observeDevice({ platform: 'windows', serialNumber: 'W-0' });
      const group = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Office' } });
      await app.api(`/api/v1/groups/${group.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [pc!.username, mac.id, noAgent.id] },
      });

      const assigned = await app.api(`/api/v1/chocolatey/packages/${pkg.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'group', subjectId: group.body.id },
      });
      await app.api(`/api/v1/groups/${group.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [later!.username] },
      });
      const claimed = await agentApi(app, pc!.password, '/agent/v1/tasks');
      const task = claimed.body.tasks[0];
      await agentApi(app, pc!.password, `/agent/v1/tasks/${task.id}/result`, {
        method: 'POST',
        body: { outcome: 'succeeded', exitCode: 3010, outputTail: '', startedAt: 1, finishedAt: 2 },
      });
      await settled(app, [pc!.username]);
      const states = await app.api(`/api/v1/chocolatey/packages/${pkg.id}/devices`);
      const ofDevice = await app.api(`/api/v1/devices/${pc!.username}/chocolatey`);
      const audit = await app.api('/api/v1/audit?limit=10');

      assert.equal(assigned.status, 201);
      assert.equal(assigned.body.devicesAdded, 3);
      assert.equal(assigned.body.tasksQueued, 1);
      assert.equal(assigned.body.assignment.targetKind, 'app');
      assert.deepEqual(task.arguments, {
        command: 'choco',
        args: [
          'upgrade',
          'xunit',
          '--version',
          '2.1.0',
          '-y',
          '--no-progress',
          '--limit-output',
          '--source',
          `${app.config.publicUrl}/chocolatey/api/v2/`,
          '--user',
          '{{device.id}}',
          '--password',
          '{{device.secret}}',
        ],
        successExitCodes: [0, 1641, 3010, 2],
      });
      const byDevice = Object.fromEntries(states.body.items.map((s: any) => [s.deviceId, s]));
      assert.equal(byDevice[pc!.username].state, 'installed');
      assert.equal(byDevice[pc!.username].rebootRequired, true);
      assert.equal(
        byDevice[pc!.username].detail,
        'installed; a restart is required to complete it',
      );
      assert.equal(byDevice[mac.id].state, 'not_applicable');
      assert.equal(byDevice[mac.id].detail, 'Chocolatey installs run on Windows PCs only');
      assert.equal(byDevice[noAgent.id].state, 'pending');
      assert.equal(byDevice[noAgent.id].detail, 'waiting for the Latch agent on this PC');
      assert.deepEqual(await app.storage.listCommands({ deviceId: noAgent.id }), []);
      assert.equal(byDevice[later!.username].state, 'pending');
      assert.equal(ofDevice.body.items[0].exitCode, 3010);
      assert.ok(audit.body.items.some((e: any) => e.action === 'chocolatey.package.assign'));
    });

    it('keeps an install pending after 1604 and queues it again, and fails it on 1603', async () => {
      const pkg = (await app.api('/api/v1/chocolatey/packages')).body.items[0];
      const [first, second] = await enrollFeedAgents(app, 2, 'RETRY');
      for (const agent of [first!, second!]) {
        await app.api(`/api/v1/chocolatey/packages/${pkg.id}/assignments`, {
          method: 'POST',
          body: { subjectKind: 'device', subjectId: agent.username },
        });
      }
      const report = async (secret: string, exitCode: number) => {
        const [task] = (await agentApi(app, secret, '/agent/v1/tasks')).body.tasks;
        await agentApi(app, secret, `/agent/v1/tasks/${task.id}/result`, {
          method: 'POST',
          body: { outcome: 'failed', exitCode, outputTail: '', startedAt: 1, finishedAt: 2 },
        });
      };

      await report(first!.password, 1604);
      await report(second!.password, 1603);
      await settled(app, [first!.username, second!.username]);
      const installs = await app.storage.listInstalls({ packageRef: pkg.id });
      const requeued = await dispatchChocoInstalls(
        app.storage,
        app.server.context.agentChannel.tasks,
        'https://latch.example/chocolatey/api/v2/',
      );

      const of = (id: string) => installs.find((i) => i.deviceId === id)!;
      assert.equal(of(first!.username).state, 'pending');
      assert.equal(of(first!.username).rebootRequired, true);
      assert.equal(of(first!.username).taskId, null);
      assert.equal(of(second!.username).state, 'failed');
      assert.equal(
        of(second!.username).detail,
        'the installer hit a fatal error during installation',
      );
      assert.equal(requeued, 1);
      const [again] = await app.storage.listInstalls({ deviceId: first!.username });
      assert.equal(again!.state, 'installing');
    });

    it('documents every Chocolatey route as maintenance mode, and hides the device feed', async () => {
      const document = await app.api('/api/v1/openapi.json');

      const paths = Object.keys(document.body.paths).filter((p) => p.includes('chocolatey'));
      assert.equal(paths.length, 7);
      for (const path of paths) {
        for (const operation of Object.values(document.body.paths[path]) as any[]) {
          assert.match(operation.summary, /^Chocolatey \(maintenance mode\): /, path);
        }
      }
      assert.ok(paths.every((p) => p.startsWith('/api/v1/')));
    });

    it('refuses an assignment to a device that does not exist', async () => {
      const pkg = (await app.api('/api/v1/chocolatey/packages')).body.items[0];

      const response = await app.api(`/api/v1/chocolatey/packages/${pkg.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectId: 'ghost' },
      });

      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'invalid_request');
    });

    it('stores upstream credentials sealed and never shows the password', async () => {
      const put = await app.api('/api/v1/chocolatey/upstream', {
        method: 'PUT',
        body: { url: `${repository.url}/`, username: 'latch', password: 'hunter2-secret' },
      });
      const stored = await app.storage.getUpstreamSettings();
      const audit = await app.api('/api/v1/audit?limit=1');
      await app.api('/api/v1/chocolatey/upstream', {
        method: 'PUT',
        body: { url: repository.url },
      });

      assert.equal(put.status, 200);
      assert.equal(put.body.url, repository.url);
      assert.equal(put.body.hasPassword, true);
      assert.equal(JSON.stringify(put.body).includes('hunter2'), false);
      assert.equal(stored.passwordSealed?.includes('hunter2'), false);
      assert.equal(app.server.context.secrets.openText(stored.passwordSealed!), 'hunter2-secret');
      assert.equal(JSON.stringify(audit.body).includes('hunter2'), false);
    });

    it('refuses an upstream URL that carries credentials, and keeps the one it had', async () => {
      const before = await app.api('/api/v1/chocolatey/upstream');

      const response = await app.api('/api/v1/chocolatey/upstream', {
        method: 'PUT',
        body: { url: 'http://user:hunter3-secret@127.0.0.1:1/api/v2' },
      });

      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'credentials_in_url');
      const after = await app.api('/api/v1/chocolatey/upstream');
      assert.equal(after.body.url, before.body.url);
      const audit = await app.api('/api/v1/audit?limit=5');
      assert.equal(JSON.stringify(audit.body).includes('hunter3'), false);
    });
  });
}

describe('Chocolatey feed while upstream answers 429', () => {
  let repository: FakeNugetRepository;
  let app: TestApp;

  before(async () => {
    repository = await startFakeNugetRepository({ throttleAfter: 1, retryAfterSeconds: 1 });
    repository.addPackageFile('xunit', '2.1.0', NUPKG);
    app = await startTestApp(BACKENDS[0]!, { LATCH_CHOCOLATEY_UPSTREAM: repository.url });
  });
  after(async () => {
    await app.close();
    await repository.close();
  });

  it('delays installs until Retry-After has passed and loses none', async () => {
    const agents = await enrollFeedAgents(app, 20);
    const feed = `${app.url}/chocolatey/api/v2`;

    const started = Date.now();
    const results = await Promise.all(
      agents.map((agent) => chocoFetch(feed, agent, 'xunit', '2.1.0')),
    );
    const upstream = await app.api('/api/v1/chocolatey/upstream');

    assert.equal(results.filter((r) => r.bytes?.equals(NUPKG)).length, 20);
    assert.ok(Date.now() - started >= 900, 'installs waited for the pause');
    assert.equal(repository.counts.throttled, 1);
    assert.equal(repository.counts.metadata, 1);
    assert.equal(repository.counts.download, 1);
    assert.equal(upstream.body.throttled, 1);
    assert.equal(upstream.body.status, 'ok');
    assert.ok((await app.storage.getUpstreamSettings()).pausedUntil > started);
  });
});

describe('Chocolatey feed while upstream keeps refusing', () => {
  let repository: FakeNugetRepository;
  let app: TestApp;

  before(async () => {
    repository = await startFakeNugetRepository({ throttleAfter: 2, retryAfterSeconds: 30 });
    repository.addPackageFile('xunit', '2.1.0', NUPKG);
    app = await startTestApp(BACKENDS[0]!, {
      LATCH_CHOCOLATEY_UPSTREAM: repository.url,
      LATCH_CHOCOLATEY_FEED_WAIT_MS: '300',
    });
  });
  after(async () => {
    await app.close();
    await repository.close();
  });

  it('keeps serving cached packages and answers 503 with Retry-After for new ones', async () => {
    const [credentials] = (await enrollFeedAgents(app, 1)) as [FeedCredentials];
    const feed = `${app.url}/chocolatey/api/v2`;
    await chocoFetch(feed, credentials, 'xunit', '2.1.0');

    const uncached = await fetch(`${feed}/Packages(Id='xunit',Version='2.0.0')`, {
      headers: {
        authorization: `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`,
      },
    });
    const cached = await chocoFetch(feed, credentials, 'xunit', '2.1.0');
    const upstream = await app.api('/api/v1/chocolatey/upstream');

    assert.equal(uncached.status, 503);
    assert.equal(((await uncached.json()) as any).error.code, 'upstream_busy');
    assert.ok(Number(uncached.headers.get('retry-after')) >= 29);
    assert.ok(cached.bytes?.equals(NUPKG));
    assert.equal(repository.counts.throttled, 1);
    assert.equal(upstream.body.status, 'backing_off');
  });
});
