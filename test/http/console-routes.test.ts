import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

describe('the console as served by latch serve', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp(BACKENDS[0]!);
  });
  after(() => app.close());

  it('answers / and every client route, however deep, with the console page', async () => {
    const answers = await Promise.all(
      ['/', '/login', '/devices', '/devices/abc', '/groups/g1', '/software/windows/store'].map(
        (path) => fetch(app.url + path),
      ),
    );
    const pages = await Promise.all(answers.map((a) => a.text()));

    for (const answer of answers) {
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(answer.headers.get('cache-control'), 'no-cache');
    }
    assert.equal(new Set(pages).size, 1);
    assert.match(pages[0]!, /<div id="root"><\/div>/);
  });

  it('serves the hashed assets the page names, cached for good, outside /api/', async () => {
    const page = await (await fetch(`${app.url}/`)).text();
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];

    const answer = await fetch(app.url + String(script));

    assert.ok(script, page);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'application/javascript; charset=utf-8');
    assert.equal(answer.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  it('keeps JSON 404s for other paths and 401s for the API', async () => {
    const unknown = await app.api('/nothing-here', { headers: { authorization: '' } });
    const missingAsset = await app.api('/assets/none.js', { headers: { authorization: '' } });
    const api = await app.api('/api/v1/devices', { headers: { authorization: '' } });

    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'route_not_found');
    assert.equal(missingAsset.status, 404);
    assert.equal(api.status, 401);
    assert.equal(api.body.error.code, 'unauthenticated');
  });
});
