import { readFileSync } from 'node:fs';
import type { SigningIdentity } from '../apple/profile-signing.js';
import { loadSigningIdentity } from '../apple/profile-signing.js';
import type { Config } from '../config.js';

/**
 * The identity configured to sign profiles (LATCH_PROFILE_SIGNING_*), or undefined when none is
 * configured. Read once at start; a file that cannot be read or a key that does not match its
 * certificate stops the start with the reason.
 */
export async function loadConfiguredSigner(
  signing: Config['profileSigning'],
): Promise<SigningIdentity | undefined> {
  const { certificateFile, keyFile, pkcs12File, passphrase } = signing;
  if (pkcs12File) {
    return loadSigningIdentity({ pkcs12: readFileSync(pkcs12File), passphrase: passphrase ?? '' });
  }
  if (!certificateFile && !keyFile) return undefined;
  if (!certificateFile || !keyFile) {
    throw new Error('LATCH_PROFILE_SIGNING_CERT and LATCH_PROFILE_SIGNING_KEY go together');
  }
  return loadSigningIdentity({
    certificatePem: readFileSync(certificateFile, 'utf8'),
    keyPem: readFileSync(keyFile, 'utf8'),
    passphrase,
  });
}
