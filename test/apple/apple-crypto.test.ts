import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createCertificateAuthority,
  issueIdentity,
  issuedBy,
  loadCertificateAuthority,
} from '../../src/apple/certificate-authority.js';
import {
  issuerAndSerial,
  parseSignature,
  signDetached,
  verifySignature,
} from '../../src/apple/cms.js';
import { PlistError, buildPlist, parsePlist, parsePlistDict } from '../../src/apple/mdm-plist.js';
import { buildPkcs12, readPkcs12 } from '../../src/apple/pkcs12.js';
import { listFixtures, readFixture } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'latch-apple-crypto-'));
const created = createCertificateAuthority('Test CA');
const ca = loadCertificateAuthority(created.certificatePem, created.privateKeyPem);
const identity = issueIdentity(ca, 'device one');
const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' }).toString();

describe('MDM plist scanner', () => {
  for (const folder of ['apple-checkin', 'apple-command-results']) {
    for (const file of listFixtures(folder)) {
      it(`reads ${folder}/${file} and writes it back to the same values`, () => {
        const value = parsePlistDict(readFixture(folder, file));

        assert.equal(typeof (value.MessageType ?? value.Status), 'string');
        assert.deepEqual(parsePlist(buildPlist(value)), value);
      });
    }
  }

  it('refuses DTD internal subsets and entity declarations', () => {
    const evil =
      '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x "y">]><plist><string>&x;</string></plist>';

    assert.throws(() => parsePlist(evil), PlistError);
    assert.throws(() => parsePlist('<plist><string>&x;</string></plist>'), PlistError);
    assert.throws(() => parsePlist('<plist><dict><key>__proto__</key><true/></dict></plist>'));
  });

  it('reads a plist that starts with a byte-order mark and an XML declaration', () => {
    // A tester's: such a profile (as some editors save them) was refused at "<?xml".
    const text = '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<plist><dict><key>A</key>' +
      '<string>b</string></dict></plist>';

    assert.deepEqual(parsePlistDict(text), { A: 'b' });
    assert.deepEqual(parsePlistDict(Buffer.from(text, 'utf8')), { A: 'b' });
  });
});

describe('Latch CA, PKCS#12 and CMS', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('issues identities that chain to the CA, and refuses others', () => {
    const other = loadCertificateAuthority(
      ...(Object.values(createCertificateAuthority('Other')) as [string, string]),
    );

    assert.equal(issuedBy(ca, new X509Certificate(identity.certificateDer)), true);
    assert.equal(issuedBy(other, new X509Certificate(identity.certificateDer)), false);
  });

  it('writes a PKCS#12 that openssl opens with the password, and reads it back', () => {
    const p12 = buildPkcs12(identity.certificateDer, identity.key, 'secret pw');
    writeFileSync(join(dir, 'id.p12'), p12);

    const text = openssl([
      'pkcs12',
      '-in',
      join(dir, 'id.p12'),
      '-passin',
      'pass:secret pw',
      '-nodes',
    ]);
    const back = readPkcs12(p12, 'secret pw');

    assert.match(text, /subject=CN = device one/);
    assert.match(text, /BEGIN PRIVATE KEY/);
    assert.equal(back.certificate.equals(identity.certificateDer), true);
    assert.throws(() => readPkcs12(p12, 'wrong'), /integrity/);
  });

  it('signs as devices do, in a form openssl verifies', () => {
    const body = Buffer.from(buildPlist({ Status: 'Idle', UDID: 'X' }));
    writeFileSync(join(dir, 'body'), body);
    writeFileSync(
      join(dir, 'sig.der'),
      signDetached(body, issuerAndSerial(identity.certificateDer), identity.key),
    );
    writeFileSync(join(dir, 'ca.pem'), created.certificatePem);

    const out = openssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'sig.der'),
      '-content',
      join(dir, 'body'),
      '-CAfile',
      join(dir, 'ca.pem'),
      '-purpose',
      'any',
    ]);

    assert.equal(out, body.toString());
  });

  it('verifies a signature openssl made, and refuses it over another body', () => {
    writeFileSync(join(dir, 'id.pem'), new X509Certificate(identity.certificateDer).toString());
    writeFileSync(
      join(dir, 'key.pem'),
      identity.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    const body = Buffer.from(buildPlist({ Status: 'Acknowledged', UDID: 'X', CommandUUID: 'c' }));
    writeFileSync(join(dir, 'body2'), body);
    openssl([
      'cms',
      '-sign',
      '-binary',
      '-outform',
      'DER',
      '-in',
      join(dir, 'body2'),
      '-signer',
      join(dir, 'id.pem'),
      '-inkey',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'openssl.der'),
    ]);
    const parsed = parseSignature(execFileSync('cat', [join(dir, 'openssl.der')]));
    const key = new X509Certificate(identity.certificateDer).publicKey;

    assert.equal(verifySignature(parsed, body, key), true);
    assert.equal(verifySignature(parsed, Buffer.from('other'), key), false);
    assert.equal(parsed.certificates[0]?.equals(identity.certificateDer), true);
  });
});
