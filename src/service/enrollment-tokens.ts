import type { EnrollmentToken } from '../domain.js';
import type { CredentialStore } from '../storage/storage.js';
import { generateToken, hashToken } from './tokens.js';

/** Creates an enrolment token; the secret is returned once and only its hash is stored. */
export async function createEnrollmentToken(
  store: CredentialStore,
  input: { name: string; expiresAt: number; maxUses: number; createdBy: string },
): Promise<{ token: string; record: EnrollmentToken }> {
  const token = generateToken('lte_');
  const record = await store.createEnrollmentToken({
    ...input,
    createdAt: Date.now(),
    tokenHash: hashToken(token),
  });
  return { token, record };
}

/**
 * What the Apple, Windows and agent enrolments call: uses the token once, or answers undefined
 * when it is unknown, revoked, expired or used up.
 */
export function redeemEnrollmentToken(store: CredentialStore, token: string) {
  return store.consumeEnrollmentToken(hashToken(token), Date.now());
}
