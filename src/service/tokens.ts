import { createHash, randomBytes } from 'node:crypto';

/**
 * A new bearer secret: 32 random bytes behind a readable prefix (`lat_` for API and session
 * tokens, `lte_` for enrolment tokens) so a leaked one is recognisable in a secret scanner.
 */
export function generateToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Tokens carry 256 random bits, so a plain SHA-256 is enough to make the stored value useless to
 * a reader of the database; a slow hash would only slow every authenticated request.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
