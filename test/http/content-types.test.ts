import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { discoverRequest } from '../../src/windows/simulator/enrollment-client.js';

describe('device endpoints and content types', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp(BACKENDS[0]!);
  });
  after(() => app.close());

  const send = async (method: string, path: string, type: string, body: string) => {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { 'content-type': type },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, json: text.startsWith('{') ? JSON.parse(text) : null };
  };

  for (const type of [
    'application/x-apple-aspen-mdm; charset=utf-8',
    'Application/X-Apple-Aspen-MDM',
    'application/x-apple-aspen-mdm ;charset="UTF-8"',
  ]) {
    it(`reads an Apple command message sent as ${type}`, async () => {
      const response = await send('PUT', '/mdm/apple/connect', type, 'not a plist');

      assert.equal(response.status, 400);
      assert.equal(response.json.error.code, 'apple_bad_message');
    });
  }

  it('refuses an Apple check-in of another media type with 415', async () => {
    const response = await send('PUT', '/mdm/apple/checkin', 'application/json', '{}');

    assert.equal(response.status, 415);
    assert.equal(response.json.error.code, 'unsupported_media_type');
  });

  it('refuses a JSON body sent to the admin API as text/plain with 415', async () => {
    const response = await fetch(`${app.url}/api/v1/groups`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${app.token}` },
      body: '{"name":"plain"}',
    });
    const body = (await response.json()) as { error: { code: string } };

    assert.equal(response.status, 415);
    assert.equal(body.error.code, 'unsupported_media_type');
  });

  it('takes an empty text/plain body as no body, as fetch sends for body: ""', async () => {
    const created = await app.api('/api/v1/api-tokens', { method: 'POST', body: { name: 'x' } });
    const response = await fetch(`${app.url}/api/v1/api-tokens/${created.body.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'text/plain;charset=UTF-8', authorization: `Bearer ${app.token}` },
      body: '',
    });

    assert.equal(response.status, 204);
  });

  it('answers Windows discovery sent as application/soap+xml, in any case', async () => {
    const url = `${app.url}/EnrollmentServer/Discovery.svc`;
    const plain = await send(
      'POST',
      '/EnrollmentServer/Discovery.svc',
      'application/soap+xml; charset=utf-8',
      discoverRequest(url, 'u@example.com'),
    );
    const upper = await send(
      'POST',
      '/EnrollmentServer/Discovery.svc',
      'Application/SOAP+XML',
      discoverRequest(url, 'u@example.com'),
    );

    assert.equal(plain.status, 200);
    assert.match(plain.text, /DiscoverResponse/);
    assert.equal(upper.status, 200);
  });

  for (const path of [
    '/EnrollmentServer/Discovery.svc',
    '/EnrollmentServer/Policy.svc',
    '/EnrollmentServer/Enrollment.svc',
  ]) {
    for (const type of ['text/plain', 'text/xml', 'application/json']) {
      it(`refuses ${type} at ${path} with 415`, async () => {
        const response = await send('POST', path, type, '<s:Envelope/>');

        assert.equal(response.status, 415);
        assert.equal(response.json.error.code, 'unsupported_media_type');
      });
    }
  }

  for (const type of ['application/json', 'text/plain', 'application/xml']) {
    it(`refuses ${type} at MDM.svc with 415 before reading it`, async () => {
      const response = await send('POST', '/ManagementServer/MDM.svc', type, '{"SyncML":1}');

      assert.equal(response.status, 415);
      assert.equal(response.json.error.code, 'unsupported_media_type');
    });
  }

  it('still reads SyncML at MDM.svc (and asks for the client certificate)', async () => {
    const response = await send(
      'POST',
      '/ManagementServer/MDM.svc',
      'application/vnd.syncml.dm+xml; charset=utf-8',
      '<SyncML/>',
    );

    assert.equal(response.status, 401);
    assert.equal(response.json.error.code, 'client_certificate_required');
  });
});
