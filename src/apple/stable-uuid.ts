import { createHash } from 'node:crypto';

/** Latch's namespace for name-based UUIDs (a random UUID chosen once). */
const LATCH_NAMESPACE = Buffer.from('6f0c7a5e3b1d4c8e9a2f5d7b1e3c9a40', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5, SHA-1) in upper case as Apple's tools write them: the
 * same name always gives the same UUID, so rendering an unchanged policy gives identical bytes.
 */
export function stableUuid(name: string): string {
  const hash = createHash('sha1').update(LATCH_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex').toUpperCase();
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}
