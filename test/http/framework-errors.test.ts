import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

describe('errors fastify raises itself', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp(BACKENDS[0]!);
  });
  after(() => app.close());

  it('answers bad percent-encoding in a path with 400 bad_url in our format', async () => {
    const response = await app.api('/api/v1/devices/%ff');

    assert.equal(response.status, 400);
    assert.deepEqual(Object.keys(response.body), ['error']);
    assert.equal(response.body.error.code, 'bad_url');
    assert.equal(typeof response.body.error.message, 'string');
  });

  it('answers an over-long path parameter with 414 path_parameter_too_long', async () => {
    const response = await app.api(`/api/v1/devices/${'a'.repeat(101)}`);

    assert.equal(response.status, 414);
    assert.deepEqual(Object.keys(response.body), ['error']);
    assert.equal(response.body.error.code, 'path_parameter_too_long');
  });

  it('names a missing property by its path, with one slash', async () => {
    const response = await app.api('/api/v1/auth/login', {
      method: 'POST',
      body: { password: 'x' },
      headers: { authorization: '' },
    });

    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_request');
    assert.deepEqual(
      response.body.error.issues.map((i: { path: string }) => i.path),
      ['/username'],
    );
  });
});
