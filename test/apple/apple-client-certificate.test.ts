import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createCertificateAuthority,
  issueIdentity,
  loadCertificateAuthority,
} from '../../src/apple/certificate-authority.js';
import type { IssuedIdentity } from '../../src/apple/certificate-authority.js';
import { buildPlist } from '../../src/apple/mdm-plist.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { putMdm } from '../helpers/apple.js';
import { BACKENDS } from '../helpers/backends.js';

// The TLS test's server certificate is self-signed; the admin helper's fetch must accept it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const pemOf = (identity: IssuedIdentity) => new X509Certificate(identity.certificateDer).toString();

/** The header a TLS-terminating proxy such as nginx ($ssl_client_escaped_cert) adds. */
const forwarded = (identity: IssuedIdentity) => ({
  'x-client-cert': encodeURIComponent(pemOf(identity)),
});

const authenticateBody = (udid: string) =>
  buildPlist({ MessageType: 'Authenticate', UDID: udid, Topic: 'com.apple.mgmt.External.test' });
const tokenUpdateBody = (udid: string) =>
  buildPlist({
    MessageType: 'TokenUpdate',
    UDID: udid,
    Topic: 'com.apple.mgmt.External.test',
    Token: new Uint8Array(Buffer.from('FAKE-TOKEN-FAKE-TOKEN-FAKE-TOKEN')),
    PushMagic: 'MAGIC',
  });
const idleBody = (udid: string) => buildPlist({ Status: 'Idle', UDID: udid });

function foreignIdentity() {
  const created = createCertificateAuthority('Not Latch');
  const ca = loadCertificateAuthority(created.certificatePem, created.privateKeyPem);
  return issueIdentity(ca, 'someone else');
}

for (const backend of BACKENDS) {
  describe(`Apple devices identified by a forwarded client certificate on ${backend.name}`, () => {
    let app: TestApp;
    let untrusted: TestApp;
    before(async () => {
      app = await startTestApp(backend, { LATCH_TRUSTED_PROXIES: '127.0.0.1' });
      untrusted = await startTestApp(backend, { LATCH_TRUSTED_PROXIES: '192.0.2.10' });
    });
    after(async () => {
      await app.close();
      await untrusted.close();
    });

    async function enrol(udid: string) {
      const identity = issueIdentity(app.server.context.apple.authority, udid);
      const reply = await putMdm(app, 'checkin', authenticateBody(udid), undefined, {
        ...forwarded(identity),
      });
      assert.equal(reply.status, 200);
      return identity;
    }

    it('enrols and serves a device whose proxy forwards its certificate', async () => {
      const udid = 'CERT-UDID-OK';
      const identity = await enrol(udid);

      const token = await putMdm(app, 'checkin', tokenUpdateBody(udid), undefined, {
        ...forwarded(identity),
      });
      const idle = await putMdm(app, 'connect', idleBody(udid), undefined, forwarded(identity));

      assert.deepEqual([token.status, idle.status], [200, 200]);
      const enrollment = await app.storage.findAppleEnrollmentByUdid(udid);
      assert.equal(enrollment?.identityCertificate, pemOf(identity));
      assert.equal(enrollment?.pushMagic, 'MAGIC');
    });

    it('ignores the header from an address that is not a trusted proxy', async () => {
      const udid = 'CERT-UDID-UNTRUSTED';
      const identity = issueIdentity(untrusted.server.context.apple.authority, udid);

      const reply = await putMdm(untrusted, 'checkin', authenticateBody(udid), undefined, {
        ...forwarded(identity),
      });

      assert.equal(reply.status, 401);
      assert.equal(reply.json.error?.code, 'apple_bad_signature');
      assert.equal(await untrusted.storage.findAppleEnrollmentByUdid(udid), undefined);
    });

    const refusals = [
      {
        name: "another enrolment's certificate",
        status: 401,
        code: 'apple_identity_mismatch',
        presented: (other: IssuedIdentity) => other,
      },
      {
        name: 'a certificate Latch issued but no enrolment recorded',
        status: 401,
        code: 'apple_identity_mismatch',
        presented: () => issueIdentity(app.server.context.apple.authority, 'never enrolled'),
      },
      {
        name: 'a certificate another CA issued',
        status: 401,
        code: 'apple_bad_client_certificate',
        presented: () => foreignIdentity(),
      },
    ];
    for (const row of refusals) {
      it(`answers ${row.status} ${row.code} to ${row.name}, and changes nothing`, async () => {
        const udid = `CERT-VICTIM-${row.code}-${row.name.length}`;
        await enrol(udid);
        const other = await enrol(`${udid}-OTHER`);
        const before = await app.storage.findAppleEnrollmentByUdid(udid);

        const presented = forwarded(row.presented(other));
        const checkin = await putMdm(app, 'checkin', tokenUpdateBody(udid), undefined, presented);
        const connect = await putMdm(app, 'connect', idleBody(udid), undefined, presented);

        assert.deepEqual(
          [checkin.status, checkin.json.error?.code, connect.status, connect.json.error?.code],
          [row.status, row.code, row.status, row.code],
        );
        assert.deepEqual(await app.storage.findAppleEnrollmentByUdid(udid), before);
      });
    }

    it("answers 401 to a device's own certificate on a message for another UDID", async () => {
      const mine = await enrol('CERT-UDID-MINE');
      await enrol('CERT-UDID-THEIRS');

      const reply = await putMdm(app, 'connect', idleBody('CERT-UDID-THEIRS'), undefined, {
        ...forwarded(mine),
      });

      assert.equal(reply.status, 401);
      assert.equal(reply.json.error?.code, 'apple_identity_mismatch');
    });

    it('refuses Authenticate with a certificate another CA issued', async () => {
      const udid = 'CERT-UDID-FOREIGN';

      const reply = await putMdm(app, 'checkin', authenticateBody(udid), undefined, {
        ...forwarded(foreignIdentity()),
      });

      assert.equal(reply.status, 401);
      assert.equal(reply.json.error?.code, 'apple_bad_client_certificate');
      assert.equal(await app.storage.findAppleEnrollmentByUdid(udid), undefined);
    });
  });
}

/** Latch's TLS certificate for the test: self-signed, which the device side accepts here. */
function serverCertificate(dir: string) {
  const created = createCertificateAuthority('127.0.0.1');
  const cert = join(dir, 'server.pem');
  const key = join(dir, 'server.key');
  writeFileSync(cert, created.certificatePem);
  writeFileSync(key, created.privateKeyPem);
  return { cert, key };
}

/** PUTs a body over TLS, presenting `identity` in the handshake and no Mdm-Signature. */
function putOverTls(app: TestApp, endpoint: string, body: string, identity: IssuedIdentity) {
  return new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
    const req = request(
      `${app.url}/mdm/apple/${endpoint}`,
      {
        method: 'PUT',
        cert: pemOf(identity),
        key: identity.key.export({ type: 'pkcs8', format: 'pem' }),
        rejectUnauthorized: false,
        headers: {
          'content-type':
            endpoint === 'checkin'
              ? 'application/x-apple-aspen-mdm-checkin'
              : 'application/x-apple-aspen-mdm',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          const code = text.startsWith('{')
            ? (JSON.parse(text) as { error?: { code: string } }).error?.code
            : undefined;
          resolve({ status: res.statusCode ?? 0, code });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('Apple devices identified in the TLS handshake when Latch serves HTTPS', () => {
  let app: TestApp;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latch-apple-tls-'));
    const { cert, key } = serverCertificate(dir);
    app = await startTestApp(BACKENDS[0]!, { LATCH_TLS_CERT: cert, LATCH_TLS_KEY: key });
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrols with the TLS client certificate, and refuses another enrolment’s', async () => {
    const authority = app.server.context.apple.authority;
    const mine = issueIdentity(authority, 'tls device');
    const theirs = issueIdentity(authority, 'tls other');

    const enrolled = await putOverTls(app, 'checkin', authenticateBody('TLS-MINE'), mine);
    await putOverTls(app, 'checkin', authenticateBody('TLS-THEIRS'), theirs);
    const idle = await putOverTls(app, 'connect', idleBody('TLS-MINE'), mine);
    const stolen = await putOverTls(app, 'connect', idleBody('TLS-MINE'), theirs);

    assert.equal(app.url.startsWith('https://'), true);
    assert.deepEqual(
      [enrolled, idle, stolen],
      [
        { status: 200, code: undefined },
        { status: 200, code: undefined },
        { status: 401, code: 'apple_identity_mismatch' },
      ],
    );
  });
});
