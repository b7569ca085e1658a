import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { NugetClient } from '../../src/catalog/chocolatey/nuget-client.js';
import type { NugetUpstream } from '../../src/catalog/chocolatey/nuget-client.js';
import { UpstreamGate } from '../../src/catalog/chocolatey/upstream-gate.js';
import { startFakeNugetRepository } from '../fakes/nuget-repository.js';
import type { FakeNugetRepository } from '../fakes/nuget-repository.js';

const BUDGET = { maxWaitMs: 5_000 };

function clientFor(upstream: NugetUpstream, perMinute = 1_000) {
  const gate = new UpstreamGate({
    perMinute: { metadata: perMinute, download: perMinute },
    defaultBackoffMs: 1_000,
    jitter: 0,
    now: Date.now,
    random: () => 0,
  });
  const client = new NugetClient({
    upstream: async () => upstream,
    gate,
    fetch,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    timeoutMs: 5_000,
    maxPages: 10,
  });
  return { gate, client };
}

describe('NuGet v2 client', () => {
  const repositories: FakeNugetRepository[] = [];
  const start = async (options = {}) => {
    const repository = await startFakeNugetRepository(options);
    repositories.push(repository);
    return repository;
  };
  after(() => Promise.all(repositories.map((r) => r.close())));

  it('follows the next link of a paged FindPackagesById() answer', async () => {
    const repository = await start();
    const { client } = clientFor({ url: repository.url, username: null, password: null });

    const versions = await client.findPackagesById('WindowsAzure.ServiceBus', BUDGET);

    assert.equal(versions.length, 100);
    assert.deepEqual(repository.paths, [
      '/api/v2/FindPackagesById()?id=%27WindowsAzure.ServiceBus%27',
      '/api/v2/FindPackagesById()?id=%27WindowsAzure.ServiceBus%27&$skip=100',
    ]);
  });

  it('reads one version, searches, and treats a 404 as absent', async () => {
    const repository = await start();
    const { client } = clientFor({ url: `${repository.url}/`, username: null, password: null });

    const found = await client.getPackage('xunit', '2.1.0', BUDGET);
    const missing = await client.getPackage('xunit', '0.0.1', BUDGET);
    const search = await client.search('nuget.exe', {
      includePrerelease: false,
      skip: 0,
      top: 30,
      ...BUDGET,
    });

    assert.equal(found?.version, '2.1.0');
    assert.equal(found?.isLatestVersion, true);
    assert.equal(missing, undefined);
    assert.equal(search.packages.length, 9);
    assert.equal(
      repository.paths[2],
      '/api/v2/Search()?searchTerm=%27nuget.exe%27&targetFramework=%27%27&includePrerelease=false&$skip=0&$top=30',
    );
  });

  it('sends the stored credentials to an internal repository', async () => {
    const credentials = { username: 'latch', password: 's3cret' };
    const repository = await start({ credentials });
    const good = clientFor({ url: repository.url, ...credentials }).client;
    const anonymous = clientFor({ url: repository.url, username: null, password: null }).client;

    const found = await good.getPackage('xunit', '2.1.0', BUDGET);

    assert.equal(found?.id, 'xunit');
    await assert.rejects(anonymous.getPackage('xunit', '2.1.0', BUDGET), {
      code: 'upstream_failed',
    });
    assert.equal(repository.counts.unauthorised, 1);
  });

  it('waits out a 429 for its Retry-After and then succeeds', async () => {
    const repository = await start({ throttleAfter: 1, retryAfterSeconds: 1 });
    const { client, gate } = clientFor({ url: repository.url, username: null, password: null });

    await client.getPackage('xunit', '2.1.0', BUDGET);
    const started = Date.now();
    const second = await client.getPackage('xunit', '2.0.0', BUDGET);

    assert.equal(second?.version, '2.0.0');
    assert.ok(Date.now() - started >= 900, 'the second request waited for the pause');
    assert.equal(repository.counts.throttled, 1);
    assert.equal(gate.health().throttled, 1);
  });

  it('refuses to wait beyond the caller budget and says when to retry', async () => {
    const repository = await start();
    const { client } = clientFor({ url: repository.url, username: null, password: null }, 1);

    await client.getPackage('xunit', '2.1.0', BUDGET);

    await assert.rejects(client.getPackage('xunit', '2.0.0', { maxWaitMs: 100 }), {
      code: 'upstream_busy',
    });
    assert.equal(repository.counts.metadata, 1);
  });
});
