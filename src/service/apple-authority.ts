import {
  createCertificateAuthority,
  loadCertificateAuthority,
} from '../apple/certificate-authority.js';
import type { CertificateAuthority } from '../apple/certificate-authority.js';
import type { AppleMdmStore } from '../storage/storage.js';
import type { SecretBox } from './secret-box.js';

const CA_NAME = 'apple-identity-ca';

/**
 * The CA that issues Apple enrolment identities, created on first use and stored with its key
 * sealed. Several servers starting at once agree on the first one stored.
 */
export async function loadAppleAuthority(
  store: AppleMdmStore,
  secrets: SecretBox,
): Promise<CertificateAuthority> {
  let stored = await store.getServerSecret(CA_NAME);
  if (!stored) {
    const created = createCertificateAuthority('Latch Device Identity CA');
    stored = await store.putServerSecretOnce({
      name: CA_NAME,
      certificate: created.certificatePem,
      privateKey: secrets.seal(created.privateKeyPem),
      createdAt: Date.now(),
    });
  }
  return loadCertificateAuthority(stored.certificate, secrets.openText(stored.privateKey));
}
