import { X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { CertificateAuthority } from '../apple/certificate-authority.js';
import { issuedBy } from '../apple/certificate-authority.js';
import { parseSignature } from '../apple/cms.js';
import type { ParsedSignature } from '../apple/cms.js';
import { SignatureChecks } from '../apple/signature-checks.js';
import { appleBadSignature, appleNotEnrolled } from '../errors.js';
import type { AppleMdmStore } from '../storage/storage.js';

/** An enrolment's identity as the hot path needs it: the certificate parsed once. */
export interface KnownIdentity {
  deviceId: string;
  udid: string;
  /** The PEM as stored: equal to the stored one exactly while the enrolment is unchanged. */
  certificatePem: string;
  key: KeyObject;
}

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
 * Checks a message's signature against the identity recorded at Authenticate. The parsed
 * certificates are cached by UDID. A server alone with its database (SQLite) sees every
 * Authenticate and CheckOut itself, so it trusts its cache and reloads only when a signature
 * disagrees. Servers sharing a database (PostgreSQL) confirm the enrolment on every message
 * with one small read: another server may have taken a re-enrolment or a CheckOut, after which
 * the old identity must be refused at once, not when this server next restarts.
 * Signatures are checked by SignatureChecks (on a worker thread where there is a core for it),
 * not by WebCrypto: its verify runs off the event loop too but costs about twice the CPU
 * (measured 123 µs against 67 µs for P-256), and CPU is what a busy server lacks.
 */
export class IdentityVerifier {
  readonly #store: AppleMdmStore;
  readonly #ca: CertificateAuthority;
  readonly #checks: SignatureChecks;
  readonly #confirmEachMessage: boolean;
  readonly #cache = new Map<string, KnownIdentity>();

  constructor(
    store: AppleMdmStore,
    ca: CertificateAuthority,
    options: { checks?: SignatureChecks; sharedDatabase?: boolean } = {},
  ) {
    this.#store = store;
    this.#ca = ca;
    this.#checks = options.checks ?? new SignatureChecks({ offThread: false });
    this.#confirmEachMessage = options.sharedDatabase ?? false;
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
      if (await this.#checks.verify(signature, body, cert.publicKey)) return cert;
    }
    throw appleBadSignature('the message is not signed by an identity issued by Latch');
  }

  /** The enrolment that signed the message for `udid`; 401 when it did not. */
  async verifyEnrolled(
    udid: string,
    signature: ParsedSignature,
    body: Uint8Array,
  ): Promise<KnownIdentity> {
    const cached = this.#confirmEachMessage ? undefined : this.#cache.get(udid);
    if (cached && (await this.#checks.verify(signature, body, cached.key))) return cached;
    const current = await this.#load(udid);
    if (!current) throw appleNotEnrolled(udid);
    if (current !== cached && (await this.#checks.verify(signature, body, current.key))) {
      return current;
    }
    throw appleBadSignature(`the message is not signed by the identity enrolled for ${udid}`);
  }

  /** Forgets what is cached for the UDID (Authenticate, CheckOut). */
  forget(udid: string) {
    this.#cache.delete(udid);
  }

  /** The stored identity, parsed again only when it differs from the cached one. */
  async #load(udid: string): Promise<KnownIdentity | undefined> {
    const stored = await this.#store.findAppleIdentity(udid);
    // A device that checked out speaks again only through a new Authenticate.
    if (!stored?.enrolled) {
      this.#cache.delete(udid);
      return undefined;
    }
    const cached = this.#cache.get(udid);
    if (cached?.certificatePem === stored.identityCertificate) return cached;
    const identity: KnownIdentity = {
      deviceId: stored.deviceId,
      udid,
      certificatePem: stored.identityCertificate,
      key: new X509Certificate(stored.identityCertificate).publicKey,
    };
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(udid, identity);
    return identity;
  }
}
