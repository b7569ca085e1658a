import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseNugetFeed } from '../../src/catalog/chocolatey/nuget-atom.js';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';
import { readFixture } from '../helpers/fixtures.js';

const XUNIT = parseNugetFeed(
  readFixture('chocolatey', 'nuget-v2-FindPackagesById-xunit.xml'),
).packages;

for (const backend of BACKENDS) {
  describe(`Chocolatey store on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    it('caches versions once and keeps the first metadata', async () => {
      await storage.cacheVersions(XUNIT, 1_000);
      await storage.cacheVersions([{ ...XUNIT[2]!, title: 'changed' }], 2_000);

      const cached = await storage.getCachedVersion('xunit', '2.1.0');
      const all = await storage.listCachedVersions('xunit');

      assert.equal(cached?.package.title, 'xUnit.net');
      assert.equal(cached?.fetchedAt, 1_000);
      assert.equal(cached?.fileSha512, null);
      assert.equal(all.length, 44);
    });

    it('records a cached file and stores its bytes by hash', async () => {
      await storage.recordCachedFile('xunit', '2.1.0', { sha512: 'ab'.repeat(64), size: 3 }, 5);
      await storage.putPackageFile('ab'.repeat(64), Buffer.from([1, 2, 3]), 5);
      await storage.putPackageFile('ab'.repeat(64), Buffer.from([1, 2, 3]), 6);

      const cached = await storage.getCachedVersion('xunit', '2.1.0');

      assert.equal(cached?.fileSha512, 'ab'.repeat(64));
      assert.equal(cached?.fileSize, 3);
      assert.deepEqual(await storage.getPackageFile('ab'.repeat(64)), Buffer.from([1, 2, 3]));
      assert.equal(await storage.getPackageFile('cd'.repeat(64)), undefined);
    });

    it('gives a lease to one holder until it is released or lapses', async () => {
      const first = await storage.acquireLease('file:x/1', 'a', 1_100, 1_000);
      const second = await storage.acquireLease('file:x/1', 'b', 1_150, 1_050);
      const afterLapse = await storage.acquireLease('file:x/1', 'b', 1_300, 1_200);
      await storage.releaseLease('file:x/1', 'a');
      const stillB = await storage.acquireLease('file:x/1', 'c', 1_400, 1_250);
      await storage.releaseLease('file:x/1', 'b');
      const released = await storage.acquireLease('file:x/1', 'c', 1_400, 1_250);

      assert.deepEqual(
        [first, second, afterLapse, stillB, released],
        [true, false, true, false, true],
      );
    });

    it('only moves the shared upstream pause forward', async () => {
      await storage.extendUpstreamPause(5_000, 1);
      await storage.extendUpstreamPause(4_000, 2);
      await storage.putUpstreamSettings(
        { url: 'https://nuget.internal/api/v2', username: 'u', passwordSealed: 'v1.x' },
        3,
      );

      assert.deepEqual(await storage.getUpstreamSettings(), {
        url: 'https://nuget.internal/api/v2',
        username: 'u',
        passwordSealed: 'v1.x',
        pausedUntil: 5_000,
      });
    });

    it('tracks installs once per device and updates their state', async () => {
      const device = await storage.observeDevice({ platform: 'windows', serialNumber: 'S-1' });
      const pkg = await storage.createChocoPackage(
        { packageId: 'xunit', version: '2.1.0', title: 'xUnit.net', createdBy: 'admin' },
        10,
      );

      const added = await storage.trackInstalls(pkg.id, [device.id], 11);
      const again = await storage.trackInstalls(pkg.id, [device.id], 12);
      const updated = await storage.updateInstall(
        device.id,
        pkg.id,
        { state: 'installed', exitCode: 3010, detail: 'restart', rebootRequired: true },
        13,
      );

      assert.equal(added, 1);
      assert.equal(again, 0);
      assert.deepEqual(updated, {
        deviceId: device.id,
        packageRef: pkg.id,
        state: 'installed',
        exitCode: 3010,
        detail: 'restart',
        rebootRequired: true,
        taskId: null,
        updatedAt: 13,
      });
      assert.equal((await storage.findChocoPackage('XUnit', '2.1'))?.id, pkg.id);
      assert.equal((await storage.findChocoPackage('xunit', '2.2.0'))?.id, undefined);
    });
  });
}
