import {
  createHash,
  createHmac,
  createPrivateKey,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DerError, TAG, children, contents, expectTag, oid, oidText, readTlv, tlv } from './der.js';

/**
 * PKCS#12 (RFC 7292) for the identity an enrolment profile carries in its
 * `com.apple.security.pkcs12` payload: the certificate in a CertBag, the key in a
 * PKCS8ShroudedKeyBag (PBES2, AES-256-CBC), integrity by HMAC-SHA256 over the password.
 */

const DATA = '1.2.840.113549.1.7.1';
const KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const X509_CERT = '1.2.840.113549.1.9.22.1';
const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
const SHA256 = '2.16.840.1.101.3.4.2.1';
const MAC_ITERATIONS = 2048;

/** RFC 7292 appendix B.2 key derivation, for the MAC key (ID 3) with SHA-256. */
function pkcs12Kdf(password: string, salt: Buffer, iterations: number, id: number, size: number) {
  const v = 64;
  const u = 32;
  const pass = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) pass.writeUInt16BE(password.charCodeAt(i), i * 2);
  const fill = (source: Buffer) => {
    if (source.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(source.length / v));
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!;
    return out;
  };
  const input = Buffer.concat([fill(salt), fill(pass)]);
  const diversifier = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  for (let produced = 0; produced < size; produced += u) {
    let a = createHash('sha256').update(diversifier).update(input).digest();
    for (let r = 1; r < iterations; r++) a = createHash('sha256').update(a).digest();
    out.push(a);
    const b = fill(a);
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = input[j + k]! + b[k]! + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, size);
}

function bag(type: string, value: Buffer, keyId: Buffer) {
  const attributes = tlv(
    TAG.SET,
    tlv(TAG.SEQUENCE, oid(LOCAL_KEY_ID), tlv(TAG.SET, tlv(TAG.OCTET_STRING, keyId))),
  );
  return tlv(TAG.SEQUENCE, oid(type), tlv(TAG.CONTEXT_0, value), attributes);
}

const dataInfo = (content: Buffer) =>
  tlv(TAG.SEQUENCE, oid(DATA), tlv(TAG.CONTEXT_0, tlv(TAG.OCTET_STRING, content)));

/** Packs a DER certificate and its private key under `password`. */
export function buildPkcs12(certificate: Buffer, key: KeyObject, password: string): Buffer {
  const keyId = createHash('sha1').update(certificate).digest();
  const shrouded = key.export({
    type: 'pkcs8',
    format: 'der',
    cipher: 'aes-256-cbc',
    passphrase: password,
  });
  const certBag = tlv(
    TAG.SEQUENCE,
    oid(X509_CERT),
    tlv(TAG.CONTEXT_0, tlv(TAG.OCTET_STRING, certificate)),
  );
  const authenticatedSafe = tlv(
    TAG.SEQUENCE,
    dataInfo(tlv(TAG.SEQUENCE, bag(CERT_BAG, certBag, keyId))),
    dataInfo(tlv(TAG.SEQUENCE, bag(KEY_BAG, shrouded, keyId))),
  );
  const salt = randomBytes(16);
  const macKey = pkcs12Kdf(password, salt, MAC_ITERATIONS, 3, 32);
  const mac = createHmac('sha256', macKey).update(authenticatedSafe).digest();
  const macData = tlv(
    TAG.SEQUENCE,
    tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, oid(SHA256), tlv(TAG.NULL)), tlv(TAG.OCTET_STRING, mac)),
    tlv(TAG.OCTET_STRING, salt),
    tlv(TAG.INTEGER, Buffer.from([MAC_ITERATIONS >> 8, MAC_ITERATIONS & 0xff])),
  );
  return tlv(
    TAG.SEQUENCE,
    tlv(TAG.INTEGER, Buffer.from([3])),
    dataInfo(authenticatedSafe),
    macData,
  );
}

function octets(buf: Buffer, info: ReturnType<typeof readTlv>): Buffer {
  const [type, explicit] = children(buf, info);
  if (oidText(buf, expectTag(type, TAG.OID, 'content type')) !== DATA) {
    throw new DerError('only unencrypted data ContentInfo is read');
  }
  const inner = expectTag(
    children(buf, expectTag(explicit, TAG.CONTEXT_0, 'content'))[0],
    TAG.OCTET_STRING,
    'data',
  );
  return Buffer.from(contents(buf, inner));
}

/** Reads what buildPkcs12 wrote (the MAC checked first); throws on a wrong password. */
export function readPkcs12(der: Buffer, password: string): { certificate: Buffer; key: KeyObject } {
  const [, authSafe, macData] = children(der, expectTag(readTlv(der, 0), TAG.SEQUENCE, 'PFX'));
  const safe = octets(der, expectTag(authSafe, TAG.SEQUENCE, 'authSafe'));
  const [digestInfo, saltTlv, iterTlv] = children(der, expectTag(macData, TAG.SEQUENCE, 'macData'));
  const expected = contents(der, expectTag(children(der, digestInfo!)[1], TAG.OCTET_STRING, 'mac'));
  const iterations = Number.parseInt(Buffer.from(contents(der, iterTlv!)).toString('hex'), 16);
  const macKey = pkcs12Kdf(password, Buffer.from(contents(der, saltTlv!)), iterations, 3, 32);
  const actual = createHmac('sha256', macKey).update(safe).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new DerError('PKCS#12 integrity check failed: wrong password');
  }
  let certificate: Buffer | undefined;
  let key: KeyObject | undefined;
  for (const info of children(safe, readTlv(safe, 0))) {
    const bags = octets(safe, info);
    for (const safeBag of children(bags, readTlv(bags, 0))) {
      const [type, value] = children(bags, safeBag);
      const inner = children(bags, value!)[0]!;
      const name = oidText(bags, type!);
      if (name === CERT_BAG) {
        const certValue = children(bags, children(bags, inner)[1]!)[0]!;
        certificate = Buffer.from(contents(bags, certValue));
      } else if (name === KEY_BAG) {
        const encrypted = bags.subarray(inner.start, inner.end);
        key = createPrivateKey({
          key: encrypted,
          format: 'der',
          type: 'pkcs8',
          passphrase: password,
        });
      }
    }
  }
  if (!certificate || !key) throw new DerError('PKCS#12 lacks a certificate or a key');
  return { certificate, key };
}
