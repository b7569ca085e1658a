import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installProfileTarget } from '../../src/apple/command-results.js';
import { buildCommandPlist } from '../../src/apple/commands.js';
import {
  createCertificateAuthority,
  issueIdentity,
  loadCertificateAuthority,
} from '../../src/apple/certificate-authority.js';
import { parsePlistDict } from '../../src/apple/mdm-plist.js';
import { readProfileTarget } from '../../src/apple/profile-content.js';
import { loadSigningIdentity, signProfile } from '../../src/apple/profile-signing.js';
import { SimulatedDevice } from '../../src/apple/simulator/simulated-device.js';
import { notificationsProfile } from '../../src/apple/storage-profiles.js';
import { loadConfiguredSigner } from '../../src/service/profile-signer.js';

function openssl(args: string[], cwd: string): string {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  return result.stdout;
}

/** A self-signed signing certificate made by OpenSSL, as an admin would bring one. */
function makeIdentity(dir: string, name: string, keyArgs: string[]) {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      ...keyArgs,
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=Latch profile signing ${name}/O=Example`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
  openssl(
    [
      'pkcs12',
      '-export',
      '-inkey',
      `${name}.key`,
      '-in',
      `${name}.pem`,
      '-passout',
      'pass:s3cret',
      '-out',
      `${name}.p12`,
    ],
    dir,
  );
}

/** Verifies with `openssl cms -verify` and returns the content it recovered. */
function opensslVerify(dir: string, signed: Buffer, certificate: string): string {
  writeFileSync(join(dir, 'signed.mobileconfig'), signed);
  return openssl(
    [
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      'signed.mobileconfig',
      '-CAfile',
      certificate,
      '-purpose',
      'any',
    ],
    dir,
  );
}

describe('profile signing', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'latch-signing-'));
    makeIdentity(dir, 'rsa', ['rsa:2048']);
    makeIdentity(dir, 'ec', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const profile = notificationsProfile();

  for (const kind of ['rsa', 'ec']) {
    it(`signs with a PEM ${kind} identity that openssl cms -verify accepts`, async () => {
      const identity = await loadSigningIdentity({
        certificatePem: readFileSync(join(dir, `${kind}.pem`), 'utf8'),
        keyPem: readFileSync(join(dir, `${kind}.key`), 'utf8'),
      });

      const signed = await signProfile(profile.bytes, identity);

      assert.equal(opensslVerify(dir, signed, `${kind}.pem`), profile.bytes.toString('utf8'));
    });
  }

  it('signs with a PKCS#12 identity', async () => {
    const identity = await loadSigningIdentity({
      pkcs12: readFileSync(join(dir, 'rsa.p12')),
      passphrase: 's3cret',
    });

    const signed = await signProfile(profile.bytes, identity);

    assert.equal(opensslVerify(dir, signed, 'rsa.pem'), profile.bytes.toString('utf8'));
    assert.match(identity.fingerprint, /^[0-9a-f]{64}$/);
  });

  it('refuses a PKCS#12 file with the wrong passphrase', async () => {
    await assert.rejects(
      loadSigningIdentity({ pkcs12: readFileSync(join(dir, 'rsa.p12')), passphrase: 'wrong' }),
      { code: 'invalid_signing_identity' },
    );
  });

  it('refuses a legacy (3DES) PKCS#12 file and says how to convert it', async () => {
    openssl(
      [
        'pkcs12',
        '-export',
        '-inkey',
        'rsa.key',
        '-in',
        'rsa.pem',
        '-passout',
        'pass:s3cret',
        '-certpbe',
        'PBE-SHA1-3DES',
        '-keypbe',
        'PBE-SHA1-3DES',
        '-macalg',
        'sha1',
        '-out',
        'legacy.p12',
      ],
      dir,
    );

    await assert.rejects(
      loadSigningIdentity({ pkcs12: readFileSync(join(dir, 'legacy.p12')), passphrase: 's3cret' }),
      { code: 'invalid_signing_identity', message: /legacy PKCS#12 encryption/ },
    );
  });

  it('refuses a key that does not belong to the certificate', async () => {
    await assert.rejects(
      loadSigningIdentity({
        certificatePem: readFileSync(join(dir, 'rsa.pem'), 'utf8'),
        keyPem: readFileSync(join(dir, 'ec.key'), 'utf8'),
      }),
      { code: 'invalid_signing_identity' },
    );
  });

  it('a signature no longer verifies once the profile is altered', async () => {
    const identity = await loadSigningIdentity({
      certificatePem: readFileSync(join(dir, 'rsa.pem'), 'utf8'),
      keyPem: readFileSync(join(dir, 'rsa.key'), 'utf8'),
    });
    const signed = await signProfile(profile.bytes, identity);
    const at = signed.indexOf(Buffer.from('NotificationsEnabled'));
    signed[at] = 'M'.charCodeAt(0);

    assert.throws(() => opensslVerify(dir, signed, 'rsa.pem'), /openssl cms failed/);
  });

  it('loads the configured identity, none when unset, and refuses half of one', async () => {
    const none = {
      certificateFile: undefined,
      keyFile: undefined,
      pkcs12File: undefined,
      passphrase: undefined,
    };

    const configured = await loadConfiguredSigner({
      ...none,
      pkcs12File: join(dir, 'rsa.p12'),
      passphrase: 's3cret',
    });

    assert.equal(await loadConfiguredSigner(none), undefined);
    assert.match(configured?.fingerprint ?? '', /^[0-9a-f]{64}$/);
    await assert.rejects(
      loadConfiguredSigner({ ...none, certificateFile: join(dir, 'rsa.pem') }),
      /go together/,
    );
  });

  describe('the profile an InstallProfile carries', () => {
    const target = {
      identifier: profile.identifier,
      displayName: profile.displayName,
      payloadUuid: profile.uuid,
    };
    const command = (payload: Uint8Array) =>
      buildCommandPlist('5F0C1F43-8D2A-4C0B-9E51-3B8E1B1F0A01', {
        requestType: 'InstallProfile',
        payload,
      });

    it('reads an unsigned profile', () => {
      assert.deepEqual(readProfileTarget(profile.bytes), target);
    });

    it('reads a profile signed by Latch (DER)', async () => {
      const identity = await loadSigningIdentity({
        certificatePem: readFileSync(join(dir, 'ec.pem'), 'utf8'),
        keyPem: readFileSync(join(dir, 'ec.key'), 'utf8'),
      });

      const signed = await signProfile(profile.bytes, identity);

      assert.deepEqual(readProfileTarget(signed), target);
      assert.deepEqual(installProfileTarget(command(signed)), target);
    });

    it('reads a profile signed as a streamed, indefinite-length BER signature', () => {
      writeFileSync(join(dir, 'plain.mobileconfig'), profile.bytes);
      openssl(
        [
          'cms',
          '-sign',
          '-nodetach',
          '-binary',
          '-stream',
          '-outform',
          'DER',
          '-signer',
          'rsa.pem',
          '-inkey',
          'rsa.key',
          '-in',
          'plain.mobileconfig',
          '-out',
          'streamed.mobileconfig',
        ],
        dir,
      );
      const signed = readFileSync(join(dir, 'streamed.mobileconfig'));
      // 0x80 after the outer SEQUENCE tag: the indefinite length that DER never uses.
      assert.equal(signed[1], 0x80);

      assert.deepEqual(readProfileTarget(signed), target);
    });

    it('refuses a detached signature, which carries no profile', () => {
      writeFileSync(join(dir, 'plain.mobileconfig'), profile.bytes);
      openssl(
        [
          'cms',
          '-sign',
          '-binary',
          '-outform',
          'DER',
          '-signer',
          'rsa.pem',
          '-inkey',
          'rsa.key',
          '-in',
          'plain.mobileconfig',
          '-out',
          'detached.p7s',
        ],
        dir,
      );

      assert.throws(() => readProfileTarget(readFileSync(join(dir, 'detached.p7s'))), {
        message: 'a detached signature with no profile inside',
      });
    });

    it('refuses a signature followed by other bytes', async () => {
      const identity = await loadSigningIdentity({
        certificatePem: readFileSync(join(dir, 'ec.pem'), 'utf8'),
        keyPem: readFileSync(join(dir, 'ec.key'), 'utf8'),
      });
      const signed = await signProfile(profile.bytes, identity);

      assert.throws(() => readProfileTarget(Buffer.concat([signed, Buffer.from('junk')])), {
        message: 'bytes follow the CMS signature',
      });
    });

    it('refuses signed content split into nested chunks rather than read part of it', () => {
      // Indefinite-length BER by hand: the profile's content in chunks, one of them chunked again.
      const bytes = (...parts: (number[] | Buffer)[]) =>
        Buffer.concat(parts.map((p) => Buffer.from(p)));
      const octets = (text: string) => bytes([0x04, text.length], Buffer.from(text));
      const end = [0, 0];
      const pkcs7 = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
      const oid = (last: number) => [...pkcs7, last];
      const content = bytes(
        [0x24, 0x80],
        octets('<plist><dict><key>PayloadIdentifier</key><string>seen</string>'),
        [0x24, 0x80],
        octets('<key>PayloadIdentifier</key><string>hidden</string>'),
        end,
        octets('</dict></plist>'),
        end,
      );
      const encapsulated = bytes([0x30, 0x80], oid(1), [0xa0, 0x80], content, end, end);
      const version = [0x02, 0x01, 0x01];
      const emptySet = [0x31, 0x00];
      const signedData = bytes([0x30, 0x80], version, emptySet, encapsulated, emptySet, end);
      const signature = bytes([0x30, 0x80], oid(2), [0xa0, 0x80], signedData, end, end);

      assert.throws(() => readProfileTarget(signature), {
        message: 'the signed content is split into nested chunks',
      });
    });

    it('refuses bytes that are neither a plist nor a signature', () => {
      assert.throws(() => readProfileTarget(new Uint8Array([0x30, 0x05, 0x01])), /CMS/);
      assert.throws(() => readProfileTarget(Buffer.from('hello')));
      assert.throws(() => readProfileTarget(Buffer.from('<plist><dict/></plist>')), {
        message: 'the profile has no PayloadIdentifier',
      });
    });

    it('is installed by a simulated Mac when signed, and answered with an Error when unreadable', async () => {
      const created = createCertificateAuthority('Latch test CA');
      const ca = loadCertificateAuthority(created.certificatePem, created.privateKeyPem);
      const identity = issueIdentity(ca, 'simulated Mac');
      const mac = new SimulatedDevice(0, 'mac');
      mac.install({
        serverUrl: 'http://127.0.0.1/mdm/apple/connect',
        checkInUrl: 'http://127.0.0.1/mdm/apple/checkin',
        topic: 'com.apple.mgmt.External.test',
        certificate: identity.certificateDer,
        key: identity.key,
      });
      const signer = await loadSigningIdentity({
        certificatePem: readFileSync(join(dir, 'ec.pem'), 'utf8'),
        keyPem: readFileSync(join(dir, 'ec.key'), 'utf8'),
      });

      const signed = mac.answer(command(await signProfile(profile.bytes, signer)));
      const garbage = mac.answer(command(new Uint8Array([0x30, 0x05, 0x01])));

      assert.equal(signed.status, 'acknowledged');
      assert.deepEqual([...mac.profiles.keys()], [profile.identifier]);
      assert.equal(garbage.status, 'error');
      assert.equal(parsePlistDict(garbage.body).Status, 'Error');
    });

    it('finds no profile, without throwing, in a command holding garbage', () => {
      assert.equal(installProfileTarget(command(new Uint8Array([0x30, 0x05, 0x01]))), undefined);
    });
  });
});
