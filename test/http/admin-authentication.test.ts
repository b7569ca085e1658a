import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { ADMIN_PASSWORD, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const PUBLIC_ROUTES = new Set(['POST /api/v1/auth/login', 'GET /api/v1/openapi.json']);

describe('admin API authentication', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp(BACKENDS[0]!);
  });
  after(() => app.close());

  it('refuses every /api route without credentials, walking the route table', async () => {
    const routes = app.server.app.routeTable
      .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    const publicRoutes = app.server.app.routeTable
      .filter((r) => r.public && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    const checked = routes.filter((r) => !PUBLIC_ROUTES.has(r));

    assert.deepEqual(publicRoutes.sort(), [...PUBLIC_ROUTES].sort());
    assert.ok(checked.length >= 15, `only ${checked.length} routes found`);

    for (const route of checked) {
      const [method, path] = route.split(' ') as [string, string];
      const concrete = path.replace(/:(\w+)/g, 'x');
      const response = await app.api(concrete, {
        method,
        headers: { authorization: '' },
        ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
      });
      assert.equal(response.status, 401, route);
      assert.equal(response.body.error.code, 'unauthenticated', route);
      // The router decodes the path: a percent-encoded letter reaches the same route.
      const encoded = await app.api(concrete.replace('/api/', '/%61pi/'), {
        method,
        headers: { authorization: '' },
        ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
      });
      assert.equal(encoded.status, 401, `${route} percent-encoded`);
    }
  });

  it('refuses an unknown /api path with 401 before saying it does not exist', async () => {
    const response = await app.api('/api/v1/nothing-here', { headers: { authorization: '' } });

    assert.equal(response.status, 401);
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const wrong = await app.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'admin', password: 'nope' },
    });
    const unknown = await app.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'mallory', password: 'nope' },
    });

    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    assert.deepEqual(unknown.body, wrong.body);
  });

  it('answers malformed JSON with 400 naming the problem', async () => {
    const response = await app.api('/api/v1/groups', { method: 'POST', body: '{"name": ' });

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'malformed_json');
  });

  it('refuses JSON nested past the depth limit before any handler sees it', async () => {
    const deep = `{"name":"deep","colour":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const shallow = `{"name":"shallow","colour":${'['.repeat(10)}${']'.repeat(10)}}`;

    const refused = await app.api('/api/v1/groups', { method: 'POST', body: deep });
    const parsed = await app.api('/api/v1/groups', { method: 'POST', body: shallow });

    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'json_too_deep');
    assert.equal(parsed.status, 400);
    assert.equal(parsed.body.error.code, 'invalid_request');
    const groups = await app.api('/api/v1/groups');
    assert.equal(
      groups.body.items.some((g: { name: string }) => g.name === 'deep'),
      false,
    );
  });

  it('answers a body that breaks the schema with the issues and their paths', async () => {
    const response = await app.api('/api/v1/groups', {
      method: 'POST',
      body: { name: '', colour: 'red' },
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_request');
    const paths = response.body.error.issues.map((i: { path: string }) => i.path);
    assert.ok(paths.includes('/name'), JSON.stringify(paths));
  });

  it('answers a body over the limit with 413', async () => {
    const huge = { name: 'x', description: 'y'.repeat(2 * 1024 * 1024) };

    const response = await app.api('/api/v1/groups', { method: 'POST', body: huge });

    assert.equal(response.status, 413);
    assert.equal(response.body.error.code, 'body_too_large');
  });

  it('API tokens are shown once, work, and stop working when revoked', async () => {
    const created = await app.api('/api/v1/api-tokens', { method: 'POST', body: { name: 'ci' } });
    const bearer = { authorization: `Bearer ${created.body.token}` };

    const me = await app.api('/api/v1/auth/me', { headers: bearer });
    const listed = await app.api('/api/v1/api-tokens');
    await app.api(`/api/v1/api-tokens/${created.body.id}`, { method: 'DELETE' });
    const afterRevoke = await app.api('/api/v1/auth/me', { headers: bearer });

    assert.equal(created.status, 201);
    assert.match(created.body.token, /^lat_/);
    assert.equal(me.body.user.username, 'admin');
    assert.equal(JSON.stringify(listed.body).includes(created.body.token), false);
    assert.equal(afterRevoke.status, 401);
  });

  it('changes the password only with the current one', async () => {
    const wrong = await app.api('/api/v1/auth/password', {
      method: 'POST',
      body: { currentPassword: 'not it', newPassword: 'a much longer password' },
    });
    const short = await app.api('/api/v1/auth/password', {
      method: 'POST',
      body: { currentPassword: ADMIN_PASSWORD, newPassword: 'short' },
    });
    const changed = await app.api('/api/v1/auth/password', {
      method: 'POST',
      body: { currentPassword: ADMIN_PASSWORD, newPassword: 'a much longer password' },
    });
    const login = await app.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'admin', password: 'a much longer password' },
    });
    await app.api('/api/v1/auth/password', {
      method: 'POST',
      body: { currentPassword: 'a much longer password', newPassword: ADMIN_PASSWORD },
    });

    assert.equal(wrong.status, 401);
    assert.equal(short.status, 400);
    assert.equal(changed.status, 204);
    assert.equal(login.status, 200);
  });

  /** A new sign-in session of the admin. */
  const signIn = async () =>
    (
      await app.api('/api/v1/auth/login', {
        method: 'POST',
        body: { username: 'admin', password: ADMIN_PASSWORD },
      })
    ).body.token as string;
  const me = (token: string) =>
    app.api('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });

  it('signs out the other sessions on a password change, not this one nor API tokens', async () => {
    const elsewhere = await signIn();
    const apiToken = (await app.api('/api/v1/api-tokens', { method: 'POST', body: { name: 'ci' } }))
      .body.token as string;

    const changed = await app.api('/api/v1/auth/password', {
      method: 'POST',
      body: { currentPassword: ADMIN_PASSWORD, newPassword: 'another long password' },
    });
    const statuses = {
      elsewhere: (await me(elsewhere)).status,
      here: (await me(app.token)).status,
      apiToken: (await me(apiToken)).status,
    };
    await app.api('/api/v1/auth/password', {
      method: 'POST',
      body: { currentPassword: 'another long password', newPassword: ADMIN_PASSWORD },
    });

    assert.equal(changed.status, 204);
    assert.deepEqual(statuses, { elsewhere: 401, here: 200, apiToken: 200 });
  });

  it('lets one of two password changes made at once win, and keeps its session', async () => {
    const [first, second] = [await signIn(), await signIn()];
    const change = (token: string, newPassword: string) =>
      app.api('/api/v1/auth/password', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: { currentPassword: ADMIN_PASSWORD, newPassword },
      });

    const answers = await Promise.all([
      change(first, 'first new password'),
      change(second, 'second new password'),
    ]);
    const winner = answers[0]!.status === 204 ? 0 : 1;
    const winnerPassword = ['first new password', 'second new password'][winner]!;
    const sessions = [(await me(first)).status, (await me(second)).status];
    // The suite's own session ended with the others; the winner's puts the password back.
    await app.api('/api/v1/auth/password', {
      method: 'POST',
      headers: { authorization: `Bearer ${[first, second][winner]}` },
      body: { currentPassword: winnerPassword, newPassword: ADMIN_PASSWORD },
    });

    assert.deepEqual(answers.map((answer) => answer.status).sort(), [204, 401]);
    assert.deepEqual(sessions, winner === 0 ? [200, 401] : [401, 200]);
  });

  it('serves the OpenAPI document without credentials', async () => {
    const response = await app.api('/api/v1/openapi.json', { headers: { authorization: '' } });

    assert.equal(response.status, 200);
    assert.ok(response.body.paths['/api/v1/groups']);
  });

  it('answers health and readiness without credentials', async () => {
    assert.equal((await app.api('/healthz', { headers: { authorization: '' } })).status, 200);
    assert.equal((await app.api('/readyz', { headers: { authorization: '' } })).status, 200);
    const metrics = await fetch(`${app.url}/metrics`);
    assert.match(await metrics.text(), /latch_http_requests_total/);
  });
});

describe('metrics with a token', () => {
  it('needs the metrics token when LATCH_METRICS_TOKEN is set', async () => {
    const app = await startTestApp(BACKENDS[0]!, { LATCH_METRICS_TOKEN: 'scrape-me' });
    try {
      const without = await fetch(`${app.url}/metrics`);
      const withToken = await fetch(`${app.url}/metrics`, {
        headers: { authorization: 'Bearer scrape-me' },
      });

      assert.equal(without.status, 401);
      assert.equal(withToken.status, 200);
    } finally {
      await app.close();
    }
  });
});
