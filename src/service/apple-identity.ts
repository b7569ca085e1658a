import { KeyObject, X509Certificate, webcrypto } from 'node:crypto';
import type { CertificateAuthority } from '../apple/certificate-authority.js';
import { issuedBy } from '../apple/certificate-authority.js';
import { digestMatches, parseSignature, verifySignature } from '../apple/cms.js';
import type { ParsedSignature } from '../apple/cms.js';
import { appleBadSignature, appleNotEnrolled } from '../errors.js';
import type { AppleMdmStore } from '../storage/storage.js';

/** An enrolment's identity as the hot path needs it: no database read per message. */
export interface KnownIdentity {
  deviceId: string;
  udid: string;
  certificateDer: Buffer;
  key: VerifyKey;
  enrolled: boolean;
}

type VerifyKey = webcrypto.CryptoKey | KeyObject;

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;
const MAX_CACHED = 200_000;

/** The Mdm-Signature header decoded, or a 401 naming what is wrong with it. */
export function readSignatureHeader(header: string | string[] | undefined): ParsedSignature {
  if (typeof header !== 'string' || header.length === 0) {
    throw appleBadSignature('the Mdm-Signature header is missing');
  }
  try {
    return parseSignature(Buffer.from(header, 'base64'));
  } catch (error) {
    throw appleBadSignature(
      `the Mdm-Signature is not a CMS signature: ${(error as Error).message}`,
    );
  }
}

/**
 * Checks a message's signature against the identity recorded at Authenticate, from a cache that
 * is reloaded from storage when it disagrees (another server may have seen a re-enrolment).
 * ECDSA signatures by P-256 identities (the ones Latch issues) are verified with WebCrypto, which
 * runs off the event loop; other keys go through node:crypto.
 */
export class IdentityVerifier {
  readonly #store: AppleMdmStore;
  readonly #ca: CertificateAuthority;
  readonly #cache = new Map<string, KnownIdentity>();

  constructor(store: AppleMdmStore, ca: CertificateAuthority) {
    this.#store = store;
    this.#ca = ca;
  }

  /** The certificate an Authenticate message is signed with, checked against Latch's CA. */
  async verifyNewIdentity(signature: ParsedSignature, body: Uint8Array): Promise<X509Certificate> {
    for (const der of signature.certificates) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(der);
      } catch {
        continue;
      }
      if (!issuedBy(this.#ca, cert)) continue;
      if (await this.#check(signature, body, cert.publicKey)) return cert;
    }
    throw appleBadSignature('the message is not signed by an identity issued by Latch');
  }

  /** The enrolment that signed the message for `udid`; 401 when it did not. */
  async verifyEnrolled(
    udid: string,
    signature: ParsedSignature,
    body: Uint8Array,
  ): Promise<KnownIdentity> {
    const cached = this.#cache.get(udid);
    if (cached && (await this.#check(signature, body, cached.key))) return cached;
    const fresh = await this.#load(udid);
    if (!fresh) throw appleNotEnrolled(udid);
    if (fresh !== cached && (await this.#check(signature, body, fresh.key))) return fresh;
    throw appleBadSignature(`the message is not signed by the identity enrolled for ${udid}`);
  }

  /** Forgets what is cached for the UDID (Authenticate, CheckOut). */
  forget(udid: string) {
    this.#cache.delete(udid);
  }

  async #load(udid: string): Promise<KnownIdentity | undefined> {
    const enrollment = await this.#store.findAppleEnrollmentByUdid(udid);
    if (!enrollment) return undefined;
    const cert = new X509Certificate(enrollment.identityCertificate);
    const identity: KnownIdentity = {
      deviceId: enrollment.deviceId,
      udid,
      certificateDer: cert.raw,
      key: await importKey(cert),
      enrolled: enrollment.enrolled,
    };
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(udid, identity);
    return identity;
  }

  async #check(signature: ParsedSignature, body: Uint8Array, key: VerifyKey): Promise<boolean> {
    if (key instanceof KeyObject) return verifySignature(signature, body, key);
    if (!signature.signedAttributes || signature.digest !== 'sha256') return false;
    if (!digestMatches(signature, body)) return false;
    try {
      return await webcrypto.subtle.verify(
        ECDSA,
        key,
        derToP1363(signature.signature),
        signature.signedAttributes,
      );
    } catch {
      return false;
    }
  }
}

async function importKey(cert: X509Certificate): Promise<VerifyKey> {
  const key = cert.publicKey;
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return webcrypto.subtle.importKey(
      'spki',
      key.export({ type: 'spki', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
  }
  return key;
}

/** ECDSA-Sig-Value (DER) to the r||s form WebCrypto verifies. */
function derToP1363(der: Buffer): Buffer {
  const out = Buffer.alloc(64);
  let p = 2 + (der[1]! & 0x80 ? der[1]! & 0x7f : 0);
  for (let i = 0; i < 2; i++) {
    const length = der[p + 1]!;
    let value = der.subarray(p + 2, p + 2 + length);
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    value.copy(out, i * 32 + 32 - value.length);
    p += 2 + length;
  }
  return out;
}
