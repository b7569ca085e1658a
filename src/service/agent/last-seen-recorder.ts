import type { Logger } from 'pino';
import type { Storage } from '../../storage/storage.js';

/**
 * Collects "device seen at" times of check-ins in memory and writes them a second at a time in
 * a few statements, so an idle check-in costs no write of its own. The batch is stamped with its
 * latest time (last seen is kept to the second). A crash loses at most the last interval of
 * last-seen times, never anything else.
 */
export class LastSeenRecorder {
  readonly #storage: Storage;
  readonly #logger: Logger;
  #pending = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(storage: Storage, logger: Logger, intervalMs = 1000) {
    this.#storage = storage;
    this.#logger = logger;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  seen(deviceId: string, at: number) {
    this.#pending.set(deviceId, at);
  }

  /** Writes what is pending; failures are logged and the times kept for the next attempt. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#pending.size === 0) return;
      const batch = this.#pending;
      this.#pending = new Map();
      try {
        await this.#storage.touchAgentDevices([...batch.keys()], Math.max(...batch.values()));
      } catch (error) {
        this.#logger.warn({ err: error, devices: batch.size }, 'last-seen times not written');
        for (const [deviceId, at] of batch) {
          if (!this.#pending.has(deviceId)) this.#pending.set(deviceId, at);
        }
      }
    });
    return this.#flushing;
  }

  /** Stops the timer and writes what is pending. */
  async close() {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
