import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { x509 } from '../../x509.js';
import { LatchError, badRequest } from '../../errors.js';
import type { AgentChannelStore } from '../../storage/roles/agent-channel.js';
import type { SecretBox } from '../secret-box.js';

const CA_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_LIFETIME_MS = 20 * 365 * 24 * 60 * 60 * 1000;
const CLIENT_LIFETIME_MS = 2 * 365 * 24 * 60 * 60 * 1000;
/** Keys an agent may hold: ECDSA on the NIST curves, or RSA of 2048 bits and more. */
const ACCEPTED_CURVES = new Set(['P-256', 'P-384', 'P-521']);
const MIN_RSA_BITS = 2048;
const MAX_CSR_BYTES = 16 * 1024;

export interface IssuedCertificate {
  certificatePem: string;
  /** SHA-256 of the DER encoding, lower-case hex: how the server recognises it later. */
  fingerprint: string;
  serial: string;
  notAfter: number;
}

/** SHA-256 of a certificate's DER bytes, lower-case hex. */
export function certificateFingerprint(der: Uint8Array | ArrayBuffer): string {
  return createHash('sha256').update(new Uint8Array(der)).digest('hex');
}

/** Fingerprint of a PEM certificate; undefined when it is not one. */
export function pemFingerprint(pem: string): string | undefined {
  try {
    return certificateFingerprint(new x509.X509Certificate(pem).rawData);
  } catch {
    return undefined;
  }
}

/**
 * Latch's certificate authority for agent client certificates. Its key is created once, sealed
 * with the server's SecretBox and kept in the database, so every server sharing the database
 * issues under the same CA.
 */
export class AgentCertificateAuthority {
  readonly #certificate: x509.X509Certificate;
  readonly #key: CryptoKey;

  private constructor(certificate: x509.X509Certificate, key: CryptoKey) {
    this.#certificate = certificate;
    this.#key = key;
  }

  /** Loads the stored CA, creating and storing one at first use. */
  static async open(store: AgentChannelStore, secrets: SecretBox) {
    const record =
      (await store.getAgentCa()) ?? (await store.putAgentCaOnce(await create(secrets)));
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      secrets.open(record.sealedKey),
      CA_ALGORITHM,
      false,
      ['sign'],
    );
    return new AgentCertificateAuthority(new x509.X509Certificate(record.certificatePem), key);
  }

  get certificatePem(): string {
    return this.#certificate.toString('pem');
  }

  /**
   * Signs a client certificate for the key in a PKCS#10 request, after checking the request's
   * own signature (the agent holds the key). The subject names the credential, not the request.
   * Throws `invalid_request` for a request that is malformed, unsigned or of a refused key type.
   */
  async issue(csrPem: string, credentialId: string, now = Date.now()): Promise<IssuedCertificate> {
    const request = parseRequest(csrPem);
    if (!(await request.verify())) throw badRequest('the CSR signature does not verify');
    checkKey(request.publicKey.algorithm);
    const serial = randomSerial();
    const notAfter = new Date(now + CLIENT_LIFETIME_MS);
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: `CN=${credentialId}, O=Latch agent`,
      issuer: this.#certificate.subject,
      notBefore: new Date(now - 60_000),
      notAfter,
      signingKey: this.#key,
      publicKey: request.publicKey,
      signingAlgorithm: CA_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ],
    });
    return {
      certificatePem: certificate.toString('pem'),
      fingerprint: certificateFingerprint(certificate.rawData),
      serial,
      notAfter: notAfter.getTime(),
    };
  }
}

async function create(secrets: SecretBox) {
  const keys = await webcrypto.subtle.generateKey(CA_ALGORITHM, true, ['sign', 'verify']);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=Latch agent CA ${randomBytes(4).toString('hex')}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + CA_LIFETIME_MS),
    keys,
    signingAlgorithm: CA_ALGORITHM,
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
    certificatePem: certificate.toString('pem'),
    sealedKey: secrets.seal(Buffer.from(pkcs8)),
    createdAt: now,
  };
}

function parseRequest(csrPem: string): x509.Pkcs10CertificateRequest {
  if (csrPem.length > MAX_CSR_BYTES) throw badRequest('the CSR is too large');
  try {
    return new x509.Pkcs10CertificateRequest(csrPem);
  } catch (error) {
    throw new LatchError('invalid_request', 400, 'the CSR is not a PEM PKCS#10 request', {
      cause: error,
    });
  }
}

function checkKey(algorithm: Algorithm) {
  const { namedCurve } = algorithm as EcKeyAlgorithm;
  const { modulusLength } = algorithm as RsaHashedKeyAlgorithm;
  if (algorithm.name === 'ECDSA' && ACCEPTED_CURVES.has(namedCurve)) return;
  if (algorithm.name === 'RSASSA-PKCS1-v1_5' && modulusLength >= MIN_RSA_BITS) return;
  throw badRequest(`the CSR's key (${algorithm.name}) is not an accepted key type`);
}

/** A positive 128-bit serial, hex; RFC 5280 wants serials unique and at most 20 octets. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}
