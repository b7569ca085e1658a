import 'reflect-metadata';
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { WindowsMdmStore } from '../storage/roles/windows-mdm.js';
import type { SecretBox } from './secret-box.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_NAME = 'windows-mdm';
const CA_YEARS = 10;
const DAY_MS = 86_400_000;

/** A certificate this authority issued, with the digests devices and TLS use to name it. */
export interface IssuedCertificate {
  der: Buffer;
  /** SHA-256 of the DER, lowercase hex: how Latch recognises the device afterwards. */
  fingerprint: string;
  /** SHA-1 of the DER, uppercase hex: how Windows names it in its certificate stores. */
  thumbprint: string;
}

/** Why a certificate request was refused; the enrolment service answers a SOAP fault. */
export class CertificateRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CertificateRequestError';
  }
}

export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function sha1Thumbprint(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/**
 * The certificate authority that issues Windows devices their MDM identity (MS-MDE2 enrolment).
 * Its key is kept in the database sealed with the server's secret key, so every server sharing
 * the database signs with the same authority; the first server to start creates it.
 */
export class WindowsCertificateAuthority {
  readonly certificate: x509.X509Certificate;
  readonly #key: CryptoKey;

  private constructor(certificate: x509.X509Certificate, key: CryptoKey) {
    this.certificate = certificate;
    this.#key = key;
  }

  /** Loads the stored authority, creating and storing one the first time. */
  static async load(
    store: WindowsMdmStore,
    secrets: SecretBox,
    now = Date.now(),
  ): Promise<WindowsCertificateAuthority> {
    const stored =
      (await store.getCertificateAuthority(CA_NAME)) ??
      (await store.putCertificateAuthority(await createAuthority(secrets, now)));
    const certificate = new x509.X509Certificate(stored.certificatePem);
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      secrets.open(stored.privateKeySealed),
      ALGORITHM,
      false,
      ['sign'],
    );
    return new WindowsCertificateAuthority(certificate, key as CryptoKey);
  }

  get der(): Buffer {
    return Buffer.from(this.certificate.rawData);
  }

  get pem(): string {
    return this.certificate.toString('pem');
  }

  get thumbprint(): string {
    return sha1Thumbprint(this.der);
  }

  /**
   * Checks the PKCS#10 request's own signature and issues a client-authentication certificate
   * for its key, named after `subject` (not after what the request asks for).
   */
  async signRequest(csrDer: Uint8Array, subject: string, now = Date.now()) {
    let request: x509.Pkcs10CertificateRequest;
    try {
      request = new x509.Pkcs10CertificateRequest(new Uint8Array(csrDer));
    } catch (error) {
      throw new CertificateRequestError('not a PKCS#10 certificate request', { cause: error });
    }
    if (!(await request.verify())) {
      throw new CertificateRequestError('the certificate request signature does not verify');
    }
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(16)
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      subject: `CN=${subject.replace(/[,=+<>#;"\\]/g, '_')}`,
      issuer: this.certificate.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      publicKey: request.publicKey,
      signingKey: this.#key,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      ],
    });
    const der = Buffer.from(certificate.rawData);
    return { der, fingerprint: sha256Hex(der), thumbprint: sha1Thumbprint(der) };
  }
}

async function createAuthority(secrets: SecretBox, now: number) {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: 'CN=Latch Windows MDM Device CA',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + CA_YEARS * 365 * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    name: CA_NAME,
    certificatePem: certificate.toString('pem'),
    privateKeySealed: secrets.seal(Buffer.from(pkcs8)),
    createdAt: now,
  };
}
