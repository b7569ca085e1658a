import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKeyAndCsr } from '../../src/agent/agent-key.js';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import { agentApi, enrollAgent, newEnrollmentToken } from '../helpers/agent.js';

const CERT_HEADER = 'x-ssl-client-cert';

describe('agent rate limit', () => {
  it('answers 429 with Retry-After once a device spends its burst', async () => {
    const app = await startTestApp(BACKENDS[0]!, { LATCH_AGENT_RATE_BURST: '3' });
    try {
      const { body } = await enrollAgent(app, await newEnrollmentToken(app));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await agentApi(app, body.deviceSecret, '/agent/v1/settings')).status);
      }
      const limited = await fetch(`${app.url}/agent/v1/settings`, {
        headers: { authorization: `Bearer ${body.deviceSecret}` },
      });

      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '1');
      assert.equal(
        ((await limited.json()) as { error: { code: string } }).error.code,
        'rate_limited',
      );
    } finally {
      await app.close();
    }
  });
});

describe('agent certificates forwarded by a proxy', () => {
  it('counts a forwarded certificate only from an address in LATCH_TRUSTED_PROXIES', async () => {
    // The test client connects from 127.0.0.1, which this server does not trust.
    const app = await startTestApp(BACKENDS[0]!, {
      LATCH_CLIENT_CERT_HEADER: CERT_HEADER,
      LATCH_TRUSTED_PROXIES: '192.0.2.10',
    });
    try {
      const { csrPem } = await createKeyAndCsr('C02PROXY001');
      const enrolled = await enrollAgent(app, await newEnrollmentToken(app), {
        serialNumber: 'PROXY-1',
        csr: csrPem,
      });
      const forwarded = { [CERT_HEADER]: encodeURIComponent(enrolled.body.certificatePem) };

      const alone = await app.api('/agent/v1/settings', {
        headers: { authorization: '', ...forwarded },
      });
      const withSecret = await agentApi(app, enrolled.body.deviceSecret, '/agent/v1/settings', {
        headers: forwarded,
      });

      assert.equal(alone.status, 401);
      assert.equal(alone.body.error.code, 'unauthenticated');
      assert.equal(withSecret.status, 200);
    } finally {
      await app.close();
    }
  });
});
