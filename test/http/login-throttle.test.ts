import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { ADMIN_PASSWORD, startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

const login = (app: TestApp, username: string, password: string) =>
  fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

describe('sign-in throttling', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp(BACKENDS[0]!, { LATCH_LOGIN_FAILURES_PER_MINUTE: '3' });
  });
  after(() => app.close());

  it('answers 429 rate_limited with Retry-After after the allowed failures', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await login(app, 'admin', ADMIN_PASSWORD)).status, 200);
    }
    const failures = [];
    for (let i = 0; i < 3; i++) failures.push((await login(app, 'admin', 'wrong')).status);

    const throttled = await login(app, 'admin', 'wrong');
    const rightPassword = await login(app, 'admin', ADMIN_PASSWORD);
    const otherUser = await login(app, 'mallory', 'wrong');

    assert.deepEqual(failures, [401, 401, 401]);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '20');
    assert.equal(((await throttled.json()) as any).error.code, 'rate_limited');
    assert.equal(rightPassword.status, 429);
    // The same client address has used its failures too.
    assert.equal(otherUser.status, 429);
    assert.equal(((await otherUser.json()) as any).error.code, 'rate_limited');
    assert.equal((await app.api('/api/v1/auth/me')).status, 200);
  });
});
