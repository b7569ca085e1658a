import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { warmWaitingPackages } from '../../src/catalog/chocolatey/package-warmer.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { startFakeNugetRepository } from '../fakes/nuget-repository.js';
import type { FakeNugetRepository } from '../fakes/nuget-repository.js';

const SILENT = pino({ level: 'silent' });

for (const backend of BACKENDS) {
  describe(`package warmer on ${backend.name}`, () => {
    let repository: FakeNugetRepository;
    let app: TestApp;

    before(async () => {
      repository = await startFakeNugetRepository({ throttleAfter: 0, retryAfterSeconds: 1 });
      repository.addPackageFile('xunit', '2.1.0', Buffer.from('waited for'));
      app = await startTestApp(backend, { LATCH_CHOCOLATEY_UPSTREAM: repository.url });
    });
    after(async () => {
      await app.close();
      await repository.close();
    });

    it('fetches a package devices wait for once upstream answers again, and no other', async () => {
      const device = await app.storage.observeDevice({ platform: 'windows', serialNumber: 'W-1' });
      const waited = await app.storage.createChocoPackage(
        { packageId: 'xunit', version: '2.1.0', title: null, createdBy: 'admin' },
        1,
      );
      await app.storage.createChocoPackage(
        { packageId: 'xunit', version: '2.0.0', title: null, createdBy: 'admin' },
        1,
      );
      await app.storage.trackInstalls(waited.id, [device.id], 2);
      const { chocolatey } = app.server.context;

      const warmed = await warmWaitingPackages(app.storage, chocolatey, SILENT);
      const cached = await app.storage.getCachedVersion('xunit', '2.1.0');

      assert.deepEqual(warmed, [waited.id]);
      assert.equal(cached?.fileSize, 'waited for'.length);
      assert.equal(repository.counts.throttled, 1);
      assert.equal(repository.counts.download, 1);
      assert.equal(await app.storage.getCachedVersion('xunit', '2.0.0'), undefined);
      assert.equal((await app.storage.listInstalls({ deviceId: device.id }))[0]?.state, 'pending');
    });
  });
}
