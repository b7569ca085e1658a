import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { ApnsClient } from '../apple/apns.js';
import type { Config } from '../config.js';
import type { Storage } from '../storage/storage.js';

const APPLE_APNS = 'https://api.push.apple.com';

/**
 * Wakes Apple devices so they fetch their commands: one APNs push per enrolled device with a
 * usable token. A 410 Unregistered marks the token invalid. A push is also the event after which
 * a queue paused by NotNow delivers again. Logs carry counts, never tokens.
 */
export class ApplePusher {
  readonly #storage: Storage;
  readonly #client: ApnsClient | undefined;
  readonly #logger: Logger;

  constructor(storage: Storage, config: Config, logger: Logger) {
    this.#storage = storage;
    this.#logger = logger;
    this.#client = apnsClient(config);
    if (!this.#client) logger.warn('no APNs push certificate configured: Apple pushes are off');
  }

  /** Pushes the devices; resolves with how many pushes APNs accepted. */
  async push(deviceIds: string[]): Promise<number> {
    if (deviceIds.length === 0) return 0;
    const targets = await this.#storage.applePushTargets(deviceIds);
    await this.#storage.resumeQueues(
      'apple',
      targets.map((t) => t.deviceId),
    );
    if (!this.#client || targets.length === 0) return 0;
    const byToken = new Map(targets.map((t) => [t.pushToken, t.deviceId]));
    const results = await this.#client.push(
      targets.map((t) => ({ token: t.pushToken, pushMagic: t.pushMagic, topic: t.topic })),
    );
    let accepted = 0;
    let refused = 0;
    const now = Date.now();
    for (const result of results) {
      if (result.status === 200) accepted++;
      else refused++;
      const deviceId = byToken.get(result.token);
      if (result.status === 410 && deviceId) {
        await this.#storage.markApplePushInvalid(deviceId, now);
      }
    }
    if (refused > 0) this.#logger.warn({ accepted, refused }, 'APNs refused some pushes');
    return accepted;
  }

  close() {
    this.#client?.close();
  }
}

function apnsClient(config: Config): ApnsClient | undefined {
  const url = config.apnsUrl;
  if (url.startsWith('http://')) return new ApnsClient({ url });
  if (config.apnsPfxPath) {
    return new ApnsClient({
      url,
      tls: {
        pfx: readFileSync(config.apnsPfxPath),
        ...(config.apnsPfxPassword ? { passphrase: config.apnsPfxPassword } : {}),
      },
    });
  }
  if (config.apnsCertPath && config.apnsKeyPath) {
    return new ApnsClient({
      url,
      tls: { cert: readFileSync(config.apnsCertPath), key: readFileSync(config.apnsKeyPath) },
    });
  }
  return url === APPLE_APNS ? undefined : new ApnsClient({ url });
}
