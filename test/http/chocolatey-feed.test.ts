import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { parseNugetFeed } from '../../src/catalog/chocolatey/nuget-atom.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import {
  basicAuth,
  chocoFetch,
  chocoFetchByList,
  enrollFeedAgents,
} from '../helpers/choco-client.js';
import type { FeedCredentials } from '../helpers/choco-client.js';
import { startFakeNugetRepository } from '../fakes/nuget-repository.js';
import type { FakeNugetRepository } from '../fakes/nuget-repository.js';

const NUPKG = Buffer.from('PK\u0003\u0004 xunit 2.1.0 package bytes');
const AGENTS = 200;

for (const backend of BACKENDS) {
  describe(`Chocolatey feed on ${backend.name}`, () => {
    let repository: FakeNugetRepository;
    let app: TestApp;
    let feed: string;
    let agents: FeedCredentials[];
    let credentials: FeedCredentials;

    before(async () => {
      repository = await startFakeNugetRepository();
      repository.addPackageFile('xunit', '2.1.0', NUPKG);
      app = await startTestApp(backend, {
        LATCH_CHOCOLATEY_UPSTREAM: repository.url,
        LATCH_CHOCOLATEY_FILES: backend.name === 'postgres' ? 'database' : '',
      });
      feed = `${app.url}/chocolatey/api/v2`;
      agents = await enrollFeedAgents(app, AGENTS);
      credentials = agents[0]!;
    });
    after(async () => {
      await app.close();
      await repository.close();
    });

    it(`serves ${AGENTS} agents one package with one upstream request and one download`, async () => {
      const results = await Promise.all(
        agents.map((agent) => chocoFetch(feed, agent, 'xunit', '2.1.0')),
      );

      assert.equal(results.filter((r) => r.downloadStatus === 200).length, AGENTS);
      assert.ok(results.every((r) => r.bytes?.equals(NUPKG)));
      assert.equal(repository.counts.metadata, 1);
      assert.equal(repository.counts.download, 1);
      assert.deepEqual(repository.paths, [
        "/api/v2/Packages(Id='xunit',Version='2.1.0')",
        '/api/v2/package/xunit/2.1.0',
      ]);
    });

    it('serves agents that resolve the version from the list with one list request', async () => {
      repository.addPackageFile('xunit', '2.0.0', NUPKG);
      const before = { ...repository.counts };

      const results = await Promise.all(
        Array.from({ length: 50 }, () => chocoFetchByList(feed, credentials, 'xunit', '2.0.0')),
      );

      assert.equal(results.filter((r) => r.bytes?.equals(NUPKG)).length, 50);
      assert.equal(repository.counts.metadata - before.metadata, 1);
      assert.equal(repository.counts.download - before.download, 1);
      assert.equal(repository.paths.at(-2), '/api/v2/FindPackagesById()?id=%27xunit%27');
    });

    it('asks for Basic credentials and refuses wrong ones', async () => {
      const none = await fetch(`${feed}/Packages(Id='xunit',Version='2.1.0')`);
      const wrong = await fetch(`${feed}/Packages(Id='xunit',Version='2.1.0')`, {
        headers: { authorization: basicAuth({ ...credentials, password: 'guess' }) },
      });

      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Basic realm="Latch Chocolatey feed"');
      const borrowed = await fetch(`${feed}/Packages(Id='xunit',Version='2.1.0')`, {
        headers: { authorization: basicAuth({ ...credentials, username: agents[1]!.username }) },
      });
      const asAgent = await fetch(`${feed}/Packages(Id='xunit',Version='2.1.0')`, {
        headers: { authorization: `Bearer ${credentials.password}` },
      });

      assert.equal(wrong.status, 401);
      assert.equal(((await wrong.json()) as any).error.code, 'unauthenticated');
      assert.equal(borrowed.status, 401);
      assert.equal(asAgent.status, 200);
    });

    it('answers FindPackagesById() with every version, paged, pointing at Latch', async () => {
      const headers = { authorization: basicAuth(credentials) };

      const first = await fetch(`${feed}/FindPackagesById()?id='xunit'&$top=40`, { headers });
      const page = parseNugetFeed(await first.text());
      const second = await fetch(page.next!, { headers });
      const rest = parseNugetFeed(await second.text());

      assert.equal(page.packages.length, 40);
      assert.equal(rest.packages.length, 4);
      assert.equal(rest.next, null);
      assert.equal(page.packages[2]!.contentUrl, `${feed}/package/xunit/2.1.0`);
    });

    it('builds links from the public URL, whatever Host the request names', async () => {
      const { status, body } = await new Promise<{ status: number; body: string }>(
        (resolve, reject) => {
          const request = httpRequest(
            `${feed}/FindPackagesById()?id='xunit'&$top=1`,
            { headers: { host: 'evil.example', authorization: basicAuth(credentials) } },
            (response) => {
              let text = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => (text += chunk));
              response.on('end', () => resolve({ status: response.statusCode!, body: text }));
            },
          );
          request.on('error', reject);
          request.end();
        },
      );
      const page = parseNugetFeed(body);

      assert.equal(status, 200);
      assert.doesNotMatch(body, /evil\.example/);
      assert.match(body, new RegExp(`xml:base="${app.config.publicUrl}/chocolatey/api/v2/?"`));
      assert.ok(page.next!.startsWith(`${app.config.publicUrl}/chocolatey/api/v2/`));
      assert.ok(page.packages[0]!.contentUrl!.startsWith(`${app.config.publicUrl}/chocolatey/`));
    });

    it('answers 404 for a version upstream does not have, and 400 for a bad id', async () => {
      const headers = { authorization: basicAuth(credentials) };

      const missing = await fetch(`${feed}/Packages(Id='xunit',Version='9.9.9')`, { headers });
      const bad = await fetch(`${feed}/package/x%20y/1.0.0`, { headers });

      assert.equal(missing.status, 404);
      assert.equal(bad.status, 400);
    });
  });
}
