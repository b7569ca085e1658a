/**
 * A token bucket per key (a device id, a username): `burst` requests at once, refilled at
 * `perMinute`. It lives in one server's memory, so behind a load balancer each server limits on
 * its own.
 */
export class RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #lastSweep = 0;

  constructor(options: { perMinute: number; burst: number }) {
    this.#perMs = options.perMinute / 60_000;
    this.#burst = options.burst;
  }

  /** Takes one token; answers 0 when allowed, else the seconds until one is free. */
  take(key: string, now = Date.now()): number {
    this.#sweep(now);
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  /** Gives back a token taken for something that turned out not to count (a good password). */
  refund(key: string) {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.#burst, bucket.tokens + 1);
  }

  /** Forgets full buckets now and then, so memory follows the active devices only. */
  #sweep(now: number) {
    const fullAfterMs = this.#burst / this.#perMs;
    if (now - this.#lastSweep < fullAfterMs) return;
    this.#lastSweep = now;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.at >= fullAfterMs) this.#buckets.delete(key);
    }
  }
}
