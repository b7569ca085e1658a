import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../../errors.js';
import type { Device } from '../../domain.js';
import type { DeviceStore } from '../../storage/storage.js';

/**
 * Credentials choco sends to a source: HTTP Basic (`choco source add --user --password`), which
 * NuGet clients send after a 401 challenge. The user name is the device id.
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

/** The feed password of a device: an HMAC of its id under the server's feed key. */
export function deviceFeedPassword(feedKey: Buffer, deviceId: string): string {
  return createHmac('sha256', feedKey).update(`chocolatey-feed:${deviceId}`).digest('base64url');
}

/**
 * Proves which device is asking the feed and returns its id; throws `unauthenticated` (a 401
 * the route answers with a Basic challenge) otherwise. This is the one place the feed checks a
 * device credential, so it can move to the agent channel's credential check unchanged for callers.
 */
export async function authenticateFeedDevice(
  request: FastifyRequest,
  devices: Pick<DeviceStore, 'getDevice'>,
  feedKey: Buffer,
): Promise<string> {
  const credentials = basicCredentials(request);
  if (!credentials) throw unauthenticated('device credentials are required');
  const expected = Buffer.from(deviceFeedPassword(feedKey, credentials.username));
  const given = Buffer.from(credentials.password);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw unauthenticated('the device credentials are wrong');
  }
  if (!(await devices.getDevice(credentials.username))) {
    throw unauthenticated('the device is not enrolled');
  }
  return credentials.username;
}

/**
 * A device lookup that remembers, for `ttlMs`, which devices exist: a feed request then costs no
 * database read. A deleted device keeps feed access for at most that long.
 */
export function recentDevices(
  devices: Pick<DeviceStore, 'getDevice'>,
  ttlMs: number,
  now: () => number = Date.now,
): Pick<DeviceStore, 'getDevice'> {
  const seen = new Map<string, { device: Device; until: number }>();
  return {
    async getDevice(id) {
      const known = seen.get(id);
      if (known && known.until > now()) return known.device;
      const device = await devices.getDevice(id);
      if (seen.size >= 50_000) seen.clear();
      if (device) seen.set(id, { device, until: now() + ttlMs });
      else seen.delete(id);
      return device;
    },
  };
}
