import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  createCertificateAuthority,
  issueIdentity,
  loadCertificateAuthority,
} from '../../src/apple/certificate-authority.js';
import { issuerAndSerial, parseSignature, signDetached } from '../../src/apple/cms.js';
import { SignatureChecks } from '../../src/apple/signature-checks.js';

const created = createCertificateAuthority('Test CA');
const ca = loadCertificateAuthority(created.certificatePem, created.privateKeyPem);
const one = issueIdentity(ca, 'device one');
const two = issueIdentity(ca, 'device two');
const keyOf = (identity: typeof one) => new X509Certificate(identity.certificateDer).publicKey;

function signed(identity: typeof one, text: string) {
  const body = Buffer.from(text);
  const der = signDetached(body, issuerAndSerial(identity.certificateDer), identity.key);
  return { body, parsed: parseSignature(der) };
}

describe('signature checks', () => {
  const offThread = new SignatureChecks({ offThread: true });
  after(() => offThread.close());

  for (const [name, checks] of [
    ['on the worker thread', offThread],
    ['in place', new SignatureChecks({ offThread: false })],
  ] as const) {
    it(`answers each check of a batch for its own message ${name}`, async () => {
      const messages = Array.from({ length: 40 }, (_, i) => signed(i % 2 ? one : two, `m${i}`));
      const answers = await Promise.all(
        messages.map(({ body, parsed }, i) =>
          // Every third check is asked of the wrong key, every fifth of another body.
          checks.verify(
            parsed,
            i % 5 === 0 ? Buffer.from('another body') : body,
            i % 3 === 0 ? keyOf(i % 2 ? two : one) : keyOf(i % 2 ? one : two),
          ),
        ),
      );

      assert.equal(checks.offThread, name === 'on the worker thread');
      assert.deepEqual(
        answers,
        messages.map((_, i) => i % 3 !== 0 && i % 5 !== 0),
      );
    });
  }

  it('refuses a signature over the right digest made by another key', async () => {
    const { body, parsed } = signed(one, 'hello');
    const forged = { ...parsed, signature: signed(two, 'hello').parsed.signature };

    assert.equal(await offThread.verify(forged, body, keyOf(one)), false);
    assert.equal(await offThread.verify(parsed, body, keyOf(one)), true);
  });

  it('finishes checks under way in place when the worker stops, and goes on in place', async () => {
    const checks = new SignatureChecks({ offThread: true });
    const { body, parsed } = signed(one, 'under way');
    const pending = [
      checks.verify(parsed, body, keyOf(one)),
      checks.verify(parsed, body, keyOf(two)),
    ];
    await checks.close();

    assert.deepEqual(await Promise.all(pending), [true, false]);
    assert.equal(checks.offThread, false);
    assert.equal(await checks.verify(parsed, body, keyOf(one)), true);
  });
});
