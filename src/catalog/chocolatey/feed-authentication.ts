import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../../errors.js';
import { bearerToken } from '../../http/authentication.js';
import type { AgentIdentity } from '../../service/agent/agent-channel.js';

/** The agent channel's check of a device secret (AgentChannel.authenticateSecret). */
export type SecretCheck = (secret: string) => Promise<AgentIdentity>;

/**
 * Credentials choco sends to a source: HTTP Basic, from `choco source add --user --password`,
 * sent after a 401 challenge. The agent registers Latch's feed with its device id as the user
 * and its device secret as the password.
 */
export function basicCredentials(
  request: FastifyRequest,
): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Proves which device is asking the feed with the agent channel's own credential check, and
 * returns its id; throws `unauthenticated` (answered with a Basic challenge) otherwise. The
 * device secret comes as the Basic password (the user name must be the device id) or, from the
 * agent itself, as a Bearer token.
 */
export async function authenticateFeedDevice(
  request: FastifyRequest,
  check: SecretCheck,
): Promise<string> {
  const basic = basicCredentials(request);
  const secret = basic?.password ?? bearerToken(request);
  if (!secret) throw unauthenticated('device credentials are required');
  const identity = await check(secret);
  if (basic && basic.username !== identity.deviceId) {
    throw unauthenticated('the user name is not the device id of that credential');
  }
  return identity.deviceId;
}

/**
 * Remembers successful checks for `ttlMs`, keyed by a hash of the secret, so a device's burst
 * of feed requests (metadata, then the package) costs one database read. A revoked credential
 * keeps feed access for at most that long; failures are never remembered.
 */
export function rememberedChecks(
  check: SecretCheck,
  ttlMs: number,
  now: () => number = Date.now,
): SecretCheck {
  const seen = new Map<string, { identity: AgentIdentity; until: number }>();
  return async (secret) => {
    const key = createHash('sha256').update(secret).digest('base64url');
    const known = seen.get(key);
    if (known && known.until > now()) return known.identity;
    seen.delete(key);
    const identity = await check(secret);
    if (seen.size >= 50_000) seen.clear();
    seen.set(key, { identity, until: now() + ttlMs });
    return identity;
  };
}
