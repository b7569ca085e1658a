import { createHash, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  DerError,
  TAG,
  children,
  contents,
  expectTag,
  oid,
  oidText,
  readTlv,
  tlv,
  whole,
} from './der.js';

/**
 * Detached CMS SignedData (RFC 5652) as Apple devices put it, base64-encoded, in the
 * `Mdm-Signature` header over the request body
 * (https://developer.apple.com/documentation/devicemanagement/implementing-device-management).
 */

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const DATA = '1.2.840.113549.1.7.1';
const CONTENT_TYPE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** The parts of a signature needed to check it against a known key. */
export interface ParsedSignature {
  /** DER certificates carried in the message (the signer's identity among them). */
  certificates: Buffer[];
  digest: string;
  /** The DER to verify: the signed attributes re-tagged as a SET, or absent (content signed). */
  signedAttributes: Buffer | undefined;
  messageDigest: Buffer | undefined;
  signature: Buffer;
}

/** Parses a DER ContentInfo holding a detached SignedData with one signer. */
export function parseSignature(der: Uint8Array): ParsedSignature {
  const root = expectTag(readTlv(der, 0), TAG.SEQUENCE, 'ContentInfo');
  if (root.end !== der.length) throw new DerError('bytes follow the ContentInfo');
  const [type, explicit] = children(der, root);
  if (oidText(der, expectTag(type, TAG.OID, 'content type')) !== SIGNED_DATA) {
    throw new DerError('not a SignedData');
  }
  const signedData = expectTag(
    children(der, expectTag(explicit, TAG.CONTEXT_0, 'content'))[0],
    TAG.SEQUENCE,
    'SignedData',
  );
  const parts = children(der, signedData);
  const certificates: Buffer[] = [];
  const certs = parts.find((p) => p.tag === TAG.CONTEXT_0);
  if (certs) for (const c of children(der, certs)) certificates.push(Buffer.from(whole(der, c)));
  const signerInfos = expectTag(parts[parts.length - 1], TAG.SET, 'signerInfos');
  const signer = expectTag(children(der, signerInfos)[0], TAG.SEQUENCE, 'SignerInfo');
  const fields = children(der, signer);
  const digestAlgorithm = expectTag(fields[2], TAG.SEQUENCE, 'digestAlgorithm');
  const digest =
    DIGESTS[oidText(der, expectTag(children(der, digestAlgorithm)[0], TAG.OID, 'oid'))];
  if (!digest) throw new DerError('unsupported digest algorithm');
  let index = 3;
  let signedAttributes: Buffer | undefined;
  let messageDigest: Buffer | undefined;
  const attrs = fields[index];
  if (attrs?.tag === TAG.CONTEXT_0) {
    signedAttributes = Buffer.from(whole(der, attrs));
    signedAttributes[0] = TAG.SET;
    let contentTypeSeen = false;
    for (const attribute of children(der, attrs)) {
      const [id, values] = children(der, attribute);
      const name = oidText(der, expectTag(id, TAG.OID, 'attribute type'));
      const value = children(der, expectTag(values, TAG.SET, 'attribute values'))[0];
      if (name === MESSAGE_DIGEST) {
        messageDigest = Buffer.from(contents(der, expectTag(value, TAG.OCTET_STRING, 'digest')));
      } else if (name === CONTENT_TYPE) {
        if (oidText(der, expectTag(value, TAG.OID, 'content type')) !== DATA) {
          throw new DerError('signed content is not data');
        }
        contentTypeSeen = true;
      }
    }
    if (!messageDigest || !contentTypeSeen) throw new DerError('signed attributes incomplete');
    index++;
  }
  const signature = expectTag(fields[index + 1], TAG.OCTET_STRING, 'signature');
  return {
    certificates,
    digest,
    signedAttributes,
    messageDigest,
    signature: Buffer.from(contents(der, signature)),
  };
}

/** True when the signed messageDigest attribute is the digest of `body`. */
export function digestMatches(parsed: ParsedSignature, body: Uint8Array): boolean {
  if (!parsed.messageDigest) return false;
  return createHash(parsed.digest).update(body).digest().equals(parsed.messageDigest);
}

/**
 * The bytes `parsed` signs for `body`: its signed attributes once their messageDigest is the
 * body's digest, or the body itself when it has none; undefined when the digest differs.
 */
export function signedBytes(parsed: ParsedSignature, body: Uint8Array): Uint8Array | undefined {
  if (!parsed.signedAttributes) return body;
  return digestMatches(parsed, body) ? parsed.signedAttributes : undefined;
}

/** True when `signature` is a valid signature by `key` over `data`; never throws. */
export function verifyBytes(
  digest: string,
  data: Uint8Array,
  key: KeyObject,
  signature: Uint8Array,
): boolean {
  try {
    return verify(digest, data, key, signature);
  } catch {
    return false;
  }
}

/** True when `parsed` is a valid signature by `key` over `body`; never throws for a bad one. */
export function verifySignature(parsed: ParsedSignature, body: Uint8Array, key: KeyObject) {
  const data = signedBytes(parsed, body);
  return data !== undefined && verifyBytes(parsed.digest, data, key, parsed.signature);
}

/** The fixed parts of a device's signature, encoded once: the simulator signs every message. */
const ENCODED = {
  sha256: tlv(TAG.SEQUENCE, oid('2.16.840.1.101.3.4.2.1')),
  contentType: oid(CONTENT_TYPE),
  messageDigest: oid(MESSAGE_DIGEST),
  data: oid(DATA),
  signedData: oid(SIGNED_DATA),
  ecdsaWithSha256: tlv(TAG.SEQUENCE, oid('1.2.840.10045.4.3.2')),
  rsaWithSha256: tlv(TAG.SEQUENCE, oid('1.2.840.113549.1.1.11'), tlv(TAG.NULL)),
};

/**
 * Signs `body` as a device does: detached SignedData over SHA-256 with contentType and
 * messageDigest attributes and the signer's certificate included. Used by the simulator.
 */
export function signDetached(
  body: Uint8Array,
  certificate: { der: Buffer; issuer: Buffer; serial: Buffer },
  key: KeyObject,
): Buffer {
  const { sha256, contentType, messageDigest, data, signedData: signedDataType } = ENCODED;
  const attributes = [
    tlv(TAG.SEQUENCE, contentType, tlv(TAG.SET, data)),
    tlv(
      TAG.SEQUENCE,
      messageDigest,
      tlv(TAG.SET, tlv(TAG.OCTET_STRING, createHash('sha256').update(body).digest())),
    ),
  ];
  const signedSet = tlv(TAG.SET, ...attributes);
  const signature = sign('sha256', signedSet, key);
  const signatureAlgorithm =
    key.asymmetricKeyType === 'ec' ? ENCODED.ecdsaWithSha256 : ENCODED.rsaWithSha256;
  const signerInfo = tlv(
    TAG.SEQUENCE,
    tlv(TAG.INTEGER, Buffer.from([1])),
    tlv(TAG.SEQUENCE, certificate.issuer, tlv(TAG.INTEGER, certificate.serial)),
    sha256,
    tlv(TAG.CONTEXT_0, ...attributes),
    signatureAlgorithm,
    tlv(TAG.OCTET_STRING, signature),
  );
  const signedData = tlv(
    TAG.SEQUENCE,
    tlv(TAG.INTEGER, Buffer.from([1])),
    tlv(TAG.SET, sha256),
    tlv(TAG.SEQUENCE, data),
    tlv(TAG.CONTEXT_0, certificate.der),
    tlv(TAG.SET, signerInfo),
  );
  return tlv(TAG.SEQUENCE, signedDataType, tlv(TAG.CONTEXT_0, signedData));
}

/** The issuer Name and serial number of a DER certificate, as a SignerInfo names its signer. */
export function issuerAndSerial(der: Buffer): { der: Buffer; issuer: Buffer; serial: Buffer } {
  const cert = expectTag(readTlv(der, 0), TAG.SEQUENCE, 'Certificate');
  const tbs = expectTag(children(der, cert)[0], TAG.SEQUENCE, 'TBSCertificate');
  const fields = children(der, tbs);
  const offset = fields[0]?.tag === TAG.CONTEXT_0 ? 1 : 0;
  const serial = expectTag(fields[offset], TAG.INTEGER, 'serialNumber');
  const issuer = expectTag(fields[offset + 2], TAG.SEQUENCE, 'issuer');
  return {
    der,
    issuer: Buffer.from(whole(der, issuer)),
    serial: Buffer.from(contents(der, serial)),
  };
}
