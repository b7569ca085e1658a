import { webcrypto } from 'node:crypto';
import { x509 } from '../x509.js';

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * The agent's own key pair and a PKCS#10 request for it, for enrolment: the server signs a client
 * certificate for the key, which never leaves the machine. The key is PKCS#8 PEM.
 */
export async function createKeyAndCsr(
  subject: string,
): Promise<{ keyPem: string; csrPem: string }> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${subject.replace(/[,=+<>#;"\\]/g, '_')}`,
    keys,
    signingAlgorithm: KEY_ALGORITHM,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem =
    `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}` +
    `\n-----END PRIVATE KEY-----\n`;
  return { keyPem: keyPem.replace(/\n\n/g, '\n'), csrPem: csr.toString('pem') };
}
