import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeStore } from '../../src/catalog/msstore/fake-store.js';
import type { FakeStore } from '../../src/catalog/msstore/fake-store.js';
import { WingetRestClient } from '../../src/catalog/msstore/winget-rest-client.js';
import { LatchError } from '../../src/errors.js';
import { readFixture } from '../helpers/fixtures.js';

describe('winget REST client against the local fake Store', () => {
  let store: FakeStore;
  let client: WingetRestClient;
  before(async () => {
    store = await startFakeStore({ pageSize: 2 });
    client = new WingetRestClient({
      baseUrl: store.url,
      timeoutMs: 2000,
      retries: 2,
      backoffMs: 10,
    });
  });
  after(() => store.close());

  it('reads the source information', async () => {
    const info = await client.information();

    assert.equal(info.SourceIdentifier, 'StoreEdgeFD');
    assert.deepEqual(info.ServerSupportedVersions, ['1.0.0', '1.1.0']);
  });

  it('answers a search exactly as the recorded Store answer', async () => {
    const recorded = JSON.parse(readFixture('msstore', 'msstore-manifestSearch-adobe-reader.json'));

    const response = await fetch(`${store.url}/manifestSearch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Query: { KeyWord: 'Adobe Acrobat Reader DC', MatchType: 'SubString' },
      }),
    });

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), recorded);
  });

  it('follows continuation tokens across pages', async () => {
    const first = await client.manifestSearch({
      Query: { KeyWord: 'XP', MatchType: 'StartsWith' },
    });
    const all = await client.searchAll({ Query: { KeyWord: 'XP', MatchType: 'StartsWith' } }, 10);

    assert.equal(first.results.length, 2);
    assert.notEqual(first.continuationToken, null);
    assert.deepEqual(
      all.map((r) => r.PackageIdentifier),
      ['XP89DCGQ3K6VLD', 'XPDM1ZW6815MQM', 'XPDP273C0XHQH2'],
    );
  });

  it('takes a 204 as no results', async () => {
    const page = await client.manifestSearch({ Query: { KeyWord: 'zzz', MatchType: 'Substring' } });

    assert.deepEqual(page, { results: [], continuationToken: null });
  });

  it('reads a manifest that starts with a byte order mark, and a missing one as undefined', async () => {
    const manifest = await client.packageManifest('9WZDNCRFJ3PZ', 'US');
    const missing = await client.packageManifest('9ZZZZZZZZZZZ', 'US');

    assert.equal(
      manifest?.Versions?.[0]?.Installers?.[0]?.PackageFamilyName,
      'Microsoft.CompanyPortal_8wekyb3d8bbwe',
    );
    assert.equal(missing, undefined);
  });

  it('retries a failing Store, then says it is unreachable', async () => {
    store.setFault({ kind: 'status', status: 503 });
    const seen = store.requests.length;

    const error = await client.information().catch((e: unknown) => e);
    store.setFault({ kind: 'none' });

    assert.ok(error instanceof LatchError);
    assert.equal(error.code, 'store_unreachable');
    assert.match(error.message, /^Microsoft Store unreachable: .* answered HTTP 503/);
    assert.equal(store.requests.length - seen, 3);
  });

  it('gives up on a Store that does not answer within the timeout', async () => {
    store.setFault({ kind: 'hang' });
    const quick = new WingetRestClient({
      baseUrl: store.url,
      timeoutMs: 300,
      retries: 3,
      backoffMs: 50,
    });
    const started = Date.now();

    const error = await quick
      .manifestSearch({ Query: { KeyWord: 'a', MatchType: 'Substring' } })
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    store.setFault({ kind: 'none' });

    assert.ok(error instanceof LatchError);
    assert.equal(error.code, 'store_unreachable');
    assert.ok(elapsed < 600, `took ${elapsed} ms`);
  });
});
