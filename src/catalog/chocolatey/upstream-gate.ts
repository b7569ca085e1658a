/**
 * Keeps Latch polite towards the upstream repository: a token bucket per kind of request, kept
 * below the community repository's published per-IP limits, and a pause honouring `429` and
 * `Retry-After` (with jitter, so several servers do not return at the same instant). The clock,
 * the sleep and the randomness are passed in; the gate itself does no I/O.
 */

export type UpstreamRequestKind = 'metadata' | 'download';

export interface UpstreamGateOptions {
  /** Requests allowed per minute, by kind. */
  perMinute: Record<UpstreamRequestKind, number>;
  /** Pause after a 429 that carried no Retry-After. */
  defaultBackoffMs: number;
  /** Up to this fraction of the pause is added at random. */
  jitter: number;
  now: () => number;
  random: () => number;
}

export type UpstreamStatus = 'ok' | 'backing_off' | 'failing';

/** What the admin API shows of the upstream repository's health. */
export interface UpstreamHealth {
  status: UpstreamStatus;
  /** Epoch ms until which no request is sent, after a 429; null when not paused. */
  pausedUntil: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  lastSuccessAt: number | null;
  requests: Record<UpstreamRequestKind, number>;
  throttled: number;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

export class UpstreamGate {
  readonly #options: UpstreamGateOptions;
  readonly #buckets: Record<UpstreamRequestKind, Bucket>;
  #pausedUntil = 0;
  #lastError: { message: string; at: number } | null = null;
  #lastSuccessAt: number | null = null;
  #requests: Record<UpstreamRequestKind, number> = { metadata: 0, download: 0 };
  #throttled = 0;

  constructor(options: UpstreamGateOptions) {
    this.#options = Object.freeze({ ...options });
    const now = options.now();
    this.#buckets = {
      metadata: { tokens: options.perMinute.metadata, refilledAt: now },
      download: { tokens: options.perMinute.download, refilledAt: now },
    };
  }

  /**
   * Takes a slot for one request of `kind`. Returns 0 when it may be sent now, otherwise how many
   * milliseconds to wait before asking again (the pause after a 429, or the next token).
   */
  reserve(kind: UpstreamRequestKind): number {
    const now = this.#options.now();
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    const bucket = this.#buckets[kind];
    const perMinute = this.#options.perMinute[kind];
    const perMs = perMinute / 60_000;
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.refilledAt) * perMs);
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#requests[kind] += 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / perMs);
  }

  /**
   * Records a 429. `retryAfter` is the header as sent: seconds, or an HTTP date. Returns the
   * pause chosen, jitter included.
   */
  throttled(retryAfter: string | null): number {
    const now = this.#options.now();
    const asked = parseRetryAfter(retryAfter, now) ?? this.#options.defaultBackoffMs;
    const pause = Math.round(asked * (1 + this.#options.jitter * this.#options.random()));
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pause);
    this.#throttled += 1;
    this.#lastError = { message: `HTTP 429, retry after ${Math.ceil(pause / 1000)} s`, at: now };
    return pause;
  }

  /** Adopts a pause another server recorded (they share one public address). */
  pauseUntil(until: number) {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  succeeded() {
    this.#lastSuccessAt = this.#options.now();
  }

  failed(message: string) {
    this.#lastError = { message, at: this.#options.now() };
  }

  health(): UpstreamHealth {
    const now = this.#options.now();
    const paused = now < this.#pausedUntil;
    const failing =
      this.#lastError !== null && (this.#lastSuccessAt ?? 0) < this.#lastError.at && !paused;
    return {
      status: paused ? 'backing_off' : failing ? 'failing' : 'ok',
      pausedUntil: paused ? this.#pausedUntil : null,
      lastError: this.#lastError?.message ?? null,
      lastErrorAt: this.#lastError?.at ?? null,
      lastSuccessAt: this.#lastSuccessAt,
      requests: { ...this.#requests },
      throttled: this.#throttled,
    };
  }
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
