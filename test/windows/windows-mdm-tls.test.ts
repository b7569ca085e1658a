import 'reflect-metadata';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { runWindowsFleet } from '../../src/windows/simulator/fleet.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';

// The test server's own certificate is self-signed; the admin helper's fetch must accept it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

async function serverCertificate(dir: string) {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=127.0.0.1',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  writeFileSync(cert, certificate.toString('pem'));
  writeFileSync(
    key,
    `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`,
  );
  return { cert, key };
}

describe('Windows MDM when Latch serves TLS itself', () => {
  let app: TestApp;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latch-tls-'));
    const { cert, key } = await serverCertificate(dir);
    app = await startTestApp(BACKENDS[0]!, { LATCH_TLS_CERT: cert, LATCH_TLS_KEY: key });
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('identifies devices by the client certificate presented in the TLS handshake', async () => {
    const report = await runWindowsFleet({
      server: app.url,
      adminToken: app.token,
      devices: 3,
      durationMs: 0,
      sessionsPerDevice: 2,
      pollMs: 0,
      concurrency: 4,
      clientCertHeader: 'x-client-cert',
    });

    assert.equal(app.url.startsWith('https://'), true);
    assert.equal(report.enrolled, 3);
    assert.equal(report.failures, 0);
    assert.equal(report.sessions, 6);
    assert.deepEqual(report.commands, { received: 6, ok: 6, error: 0 });
  });

  it('refuses a message without a client certificate', async () => {
    const answer = await fetch(`${app.url}/ManagementServer/MDM.svc`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.syncml.dm+xml' },
      body: '<SyncML/>',
    });

    assert.equal(answer.status, 401);
    assert.equal(
      ((await answer.json()) as { error: { code: string } }).error.code,
      'client_certificate_required',
    );
  });
});
