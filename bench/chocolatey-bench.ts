import { deviceFeedPassword } from '../src/catalog/chocolatey/feed-authentication.js';
import { startTestApp } from '../test/helpers/app.js';
import { BACKENDS } from '../test/helpers/backends.js';
import { basicAuth, chocoFetch } from '../test/helpers/choco-client.js';
import { startFakeNugetRepository } from '../test/fakes/nuget-repository.js';

const AGENT_COUNTS = [1, 10, 100, 1000];
const THROUGHPUT_REQUESTS = 20_000;
const THROUGHPUT_CONCURRENCY = 64;
const NUPKG = Buffer.alloc(256 * 1024, 7);

/**
 * N simulated agents install one package version through Latch's feed at once (SQLite server,
 * local NuGet v2 repository from the recorded fixtures); prints the upstream requests each N
 * cost, then the feed's cached metadata throughput.
 */
export async function chocolateyBenchmark() {
  const sqlite = BACKENDS[0]!;
  for (const agents of AGENT_COUNTS) {
    const repository = await startFakeNugetRepository();
    repository.addPackageFile('xunit', '2.1.0', NUPKG);
    const app = await startTestApp(sqlite, {
      LATCH_CHOCOLATEY_UPSTREAM: repository.url,
    });
    try {
      const key = app.server.context.chocolatey.feedKey;
      const devices = [];
      for (let i = 0; i < agents; i++) {
        devices.push(
          await app.storage.observeDevice({ platform: 'windows', serialNumber: `B-${i}` }),
        );
      }
      const feed = `${app.url}/chocolatey/api/v2`;
      const started = performance.now();
      const results = await Promise.all(
        devices.map((d) =>
          chocoFetch(
            feed,
            { username: d.id, password: deviceFeedPassword(key, d.id) },
            'xunit',
            '2.1.0',
          ),
        ),
      );
      const ms = performance.now() - started;
      const ok = results.filter((r) => r.bytes?.equals(NUPKG)).length;
      console.log(
        `${String(agents).padStart(4)} agents: ${ok} installed, upstream metadata requests ` +
          `${repository.counts.metadata}, downloads ${repository.counts.download} ` +
          `(target 1 and 1), ${ms.toFixed(0)} ms`,
      );
      if (agents === AGENT_COUNTS.at(-1)) await throughput(feed, devices[0]!.id, key);
    } finally {
      await app.close();
      await repository.close();
    }
  }
}

async function throughput(feed: string, deviceId: string, key: Buffer) {
  const password = deviceFeedPassword(key, deviceId);
  const headers = { authorization: basicAuth({ username: deviceId, password }) };
  const feedRate = await requestsPerSecond(`${feed}/Packages(Id='xunit',Version='2.1.0')`, headers);
  const baseline = await requestsPerSecond(new URL('/healthz', feed).toString(), {});
  console.log(
    `feed metadata from cache: ${feedRate.toFixed(0)} requests/s (target >= 1000); ` +
      `same client against /healthz: ${baseline.toFixed(0)} requests/s ` +
      `(${THROUGHPUT_REQUESTS} requests, ${THROUGHPUT_CONCURRENCY} at a time, client in-process)`,
  );
}

async function requestsPerSecond(url: string, headers: Record<string, string>) {
  let sent = 0;
  const worker = async () => {
    while (sent < THROUGHPUT_REQUESTS) {
      sent++;
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: THROUGHPUT_CONCURRENCY }, worker));
  return THROUGHPUT_REQUESTS / ((performance.now() - started) / 1000);
}
