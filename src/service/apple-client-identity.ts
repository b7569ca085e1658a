import { X509Certificate } from 'node:crypto';
import type { CertificateAuthority } from '../apple/certificate-authority.js';
import { issuedBy } from '../apple/certificate-authority.js';
import { appleBadClientCertificate, appleIdentityMismatch, appleNotEnrolled } from '../errors.js';
import type { AppleMdmStore } from '../storage/storage.js';

/**
 * Identifies an Apple device by the client certificate it presented (TLS to Latch, or forwarded
 * by a trusted proxy) instead of an Mdm-Signature: the certificate must be one Latch's Apple CA
 * issued and, after Authenticate, the very identity recorded for the message's UDID. The TLS
 * handshake (Latch's or the proxy's) is what proved the device holds its key.
 */
export class ClientCertificateIdentity {
  readonly #store: Pick<AppleMdmStore, 'findAppleIdentity'>;
  readonly #ca: CertificateAuthority;

  constructor(store: Pick<AppleMdmStore, 'findAppleIdentity'>, ca: CertificateAuthority) {
    this.#store = store;
    this.#ca = ca;
  }

  /** Authenticate: the certificate, when Latch's Apple CA issued it and it is in date; else 401. */
  verifyNewIdentity(der: Buffer): X509Certificate {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      throw appleBadClientCertificate('the client certificate cannot be read');
    }
    if (!issuedBy(this.#ca, cert)) {
      throw appleBadClientCertificate('the client certificate was not issued by Latch');
    }
    return cert;
  }

  /** The enrolment of `udid` when `der` is the identity it authenticated with; else 401. */
  async verifyEnrolled(udid: string, der: Buffer): Promise<{ deviceId: string }> {
    this.verifyNewIdentity(der);
    const enrollment = await this.#store.findAppleIdentity(udid);
    if (!enrollment?.enrolled) throw appleNotEnrolled(udid);
    const recorded = new X509Certificate(enrollment.identityCertificate).raw;
    if (!recorded.equals(der)) throw appleIdentityMismatch(udid);
    return { deviceId: enrollment.deviceId };
  }
}
