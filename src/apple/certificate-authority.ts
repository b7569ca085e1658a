import {
  X509Certificate,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { TAG, oid, tlv } from './der.js';

/**
 * Latch's own certificate authority (RFC 5280 certificates, EC P-256 with ECDSA-SHA256): it
 * issues the identities enrolment profiles carry, and Authenticate accepts only those.
 */
export interface CertificateAuthority {
  certificatePem: string;
  certificate: X509Certificate;
  key: KeyObject;
}

export interface IssuedIdentity {
  certificateDer: Buffer;
  key: KeyObject;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const ECDSA_SHA256 = tlv(TAG.SEQUENCE, oid('1.2.840.10045.4.3.2'));

const name = (commonName: string) =>
  tlv(
    TAG.SEQUENCE,
    tlv(TAG.SET, tlv(TAG.SEQUENCE, oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))),
  );

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${iso}Z`));
}

const extension = (id: string, critical: boolean, value: Buffer) =>
  tlv(
    TAG.SEQUENCE,
    oid(id),
    ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []),
    tlv(TAG.OCTET_STRING, value),
  );

function serialNumber(): Buffer {
  const bytes = randomBytes(12);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

function certificate(input: {
  subject: string;
  issuer: Buffer;
  publicKey: KeyObject;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
}): Buffer {
  const keyUsage = input.ca
    ? tlv(0x03, Buffer.from([0x01, 0x06]))
    : tlv(0x03, Buffer.from([0x07, 0x80]));
  const extensions = [
    extension(
      '2.5.29.19',
      true,
      tlv(TAG.SEQUENCE, ...(input.ca ? [tlv(0x01, Buffer.from([0xff]))] : [])),
    ),
    extension('2.5.29.15', true, keyUsage),
    ...(input.ca
      ? []
      : [extension('2.5.29.37', false, tlv(TAG.SEQUENCE, oid('1.3.6.1.5.5.7.3.2')))]),
  ];
  const tbs = tlv(
    TAG.SEQUENCE,
    tlv(TAG.CONTEXT_0, tlv(TAG.INTEGER, Buffer.from([2]))),
    tlv(TAG.INTEGER, serialNumber()),
    ECDSA_SHA256,
    input.issuer,
    tlv(TAG.SEQUENCE, time(input.notBefore), time(input.notAfter)),
    name(input.subject),
    input.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, tlv(TAG.SEQUENCE, ...extensions)),
  );
  const signature = sign('sha256', tbs, input.signingKey);
  return tlv(TAG.SEQUENCE, tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), signature));
}

/** Creates a new CA valid for ten years; the caller stores it, the key sealed. */
export function createCertificateAuthority(
  commonName: string,
  now = new Date(),
): { certificatePem: string; privateKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = certificate({
    subject: commonName,
    issuer: name(commonName),
    publicKey,
    signingKey: privateKey,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * YEAR_MS),
    ca: true,
  });
  return {
    certificatePem: new X509Certificate(der).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function loadCertificateAuthority(
  certificatePem: string,
  privateKeyPem: string,
): CertificateAuthority {
  return {
    certificatePem,
    certificate: new X509Certificate(certificatePem),
    key: createPrivateKey(privateKeyPem),
  };
}

/** Issues a device identity (EC P-256, client authentication) signed by the CA. */
export function issueIdentity(
  ca: CertificateAuthority,
  commonName: string,
  now = new Date(),
): IssuedIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const issuer = ca.certificate.subject.replace(/^CN=/, '');
  const der = certificate({
    subject: commonName,
    issuer: name(issuer),
    publicKey,
    signingKey: ca.key,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 2 * YEAR_MS),
    ca: false,
  });
  return { certificateDer: der, key: privateKey };
}

/** True when `cert` was issued by the CA and is valid at `now`. */
export function issuedBy(ca: CertificateAuthority, cert: X509Certificate, now = new Date()) {
  return (
    cert.checkIssued(ca.certificate) &&
    cert.verify(ca.certificate.publicKey) &&
    new Date(cert.validFrom) <= now &&
    now <= new Date(cert.validTo)
  );
}
