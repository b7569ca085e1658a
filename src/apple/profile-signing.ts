import { createHash, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { invalidSigningIdentity } from '../errors.js';

/**
 * CMS SignedData signatures for configuration profiles (RFC 5652), as Apple devices accept a
 * signed `.mobileconfig`: the profile is the encapsulated content and the signer's certificate
 * (and chain) travel inside, so the device shows who signed it.
 */

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });

/** A certificate and its private key, ready to sign with. */
export interface SigningIdentity {
  certificate: pkijs.Certificate;
  /** Intermediates sent along so the device can build the chain. */
  chain: pkijs.Certificate[];
  key: CryptoKey;
  /** SHA-256 fingerprint of the certificate, for logs and the console. */
  fingerprint: string;
}

/** The identity as the admin supplies it: PEM certificate(s) and key, or a PKCS#12 file. */
export type SigningMaterial =
  | { certificatePem: string; keyPem: string; passphrase?: string }
  | { pkcs12: Uint8Array; passphrase: string };

/**
 * Reads a signing identity. The first PEM certificate is the signer's, later ones its chain;
 * in a PKCS#12 file the certificate whose public key matches the key is the signer's. RSA and
 * EC (P-256, P-384) keys are supported.
 *
 * @throws LatchError `invalid_signing_identity` when it cannot be read or the key does not
 *   belong to the certificate.
 */
export async function loadSigningIdentity(material: SigningMaterial): Promise<SigningIdentity> {
  try {
    const { certificates, pkcs8 } =
      'pkcs12' in material ? await readPkcs12(material) : readPem(material);
    const key = await importKey(pkcs8);
    const signer = matchingCertificate(certificates, pkcs8);
    return {
      certificate: signer,
      chain: certificates.filter((c) => c !== signer),
      key,
      fingerprint: createHash('sha256')
        .update(Buffer.from(signer.toSchema().toBER(false)))
        .digest('hex'),
    };
  } catch (error) {
    if (error instanceof Error && 'code' in error) throw error;
    if (
      error instanceof Error &&
      /contentEncryptionAlgorithm": 1\.2\.840\.113549\.1\.12\.1\./.test(error.message)
    ) {
      throw invalidSigningIdentity(
        'legacy PKCS#12 encryption (3DES/RC2) is not supported: re-export the file with ' +
          'AES (the OpenSSL 3 default) or give the certificate and key as PEM',
        error,
      );
    }
    throw invalidSigningIdentity('the signing certificate or key cannot be read', error);
  }
}

/** Signs a profile: the DER of a CMS ContentInfo holding SignedData over `content`. */
export async function signProfile(content: Uint8Array, identity: SigningIdentity): Promise<Buffer> {
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID_DATA,
      eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(content) }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: identity.certificate.issuer,
          serialNumber: identity.certificate.serialNumber,
        }),
      }),
    ],
    certificates: [identity.certificate, ...identity.chain],
  });
  await signed.sign(identity.key, 0, 'SHA-256', undefined, engine);
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID_SIGNED_DATA,
    content: signed.toSchema(true),
  });
  return Buffer.from(contentInfo.toSchema().toBER(false));
}

function readPem(material: { certificatePem: string; keyPem: string; passphrase?: string }) {
  const blocks = [
    ...material.certificatePem.matchAll(
      /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g,
    ),
  ];
  if (blocks.length === 0) throw invalidSigningIdentity('no PEM certificate found');
  const certificates = blocks.map((m) =>
    pkijs.Certificate.fromBER(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')),
  );
  const pkcs8 = createPrivateKey({ key: material.keyPem, passphrase: material.passphrase }).export({
    format: 'der',
    type: 'pkcs8',
  });
  return { certificates, pkcs8 };
}

async function readPkcs12(material: { pkcs12: Uint8Array; passphrase: string }) {
  const password = toArrayBuffer(Buffer.from(material.passphrase, 'utf8'));
  const pfx = pkijs.PFX.fromBER(toArrayBuffer(material.pkcs12));
  await pfx.parseInternalValues({ password, checkIntegrity: true }, engine);
  const safe = pfx.parsedValue?.authenticatedSafe;
  if (!safe) throw invalidSigningIdentity('the PKCS#12 file holds no authenticated safe');
  await safe.parseInternalValues(
    { safeContents: safe.safeContents.map(() => ({ password })) },
    engine,
  );
  const certificates: pkijs.Certificate[] = [];
  let pkcs8: Buffer | undefined;
  for (const contents of safe.parsedValue.safeContents as { value: pkijs.SafeContents }[]) {
    for (const bag of contents.value.safeBags) {
      if (bag.bagId === OID_CERT_BAG) {
        certificates.push((bag.bagValue as pkijs.CertBag).parsedValue as pkijs.Certificate);
      } else if (bag.bagId === OID_KEY_BAG) {
        const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
        // pkijs decrypts the safes but leaves each shrouded key bag to its (protected) parser.
        await (shrouded as unknown as ShroudedKeyParser).parseInternalValues({ password }, engine);
        const info = shrouded.parsedValue;
        if (info) pkcs8 = Buffer.from(info.toSchema().toBER(false));
      }
    }
  }
  if (!pkcs8 || certificates.length === 0) {
    throw invalidSigningIdentity('the PKCS#12 file needs a certificate and its private key');
  }
  return { certificates, pkcs8 };
}

interface ShroudedKeyParser {
  parseInternalValues(
    parameters: { password: ArrayBuffer },
    crypto: pkijs.ICryptoEngine,
  ): Promise<void>;
}

async function importKey(pkcs8: Buffer): Promise<CryptoKey> {
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const data = toArrayBuffer(pkcs8);
  if (key.asymmetricKeyType === 'rsa') {
    return webcrypto.subtle.importKey(
      'pkcs8',
      data,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    ) as Promise<CryptoKey>;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve;
    return webcrypto.subtle.importKey('pkcs8', data, { name: 'ECDSA', namedCurve }, false, [
      'sign',
    ]) as Promise<CryptoKey>;
  }
  throw invalidSigningIdentity(`unsupported key type ${String(key.asymmetricKeyType)}`);
}

/** The certificate whose public key is the key's; a key that matches none is refused. */
function matchingCertificate(certificates: pkijs.Certificate[], pkcs8: Buffer) {
  const publicDer = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }))
    .export({ format: 'der', type: 'spki' })
    .toString('hex');
  const match = certificates.find(
    (c) =>
      Buffer.from(c.subjectPublicKeyInfo.toSchema().toBER(false)).toString('hex') === publicDer,
  );
  if (!match) throw invalidSigningIdentity('the private key does not belong to the certificate');
  return match;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
