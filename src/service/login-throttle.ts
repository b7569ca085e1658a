import { RateLimiter } from './rate-limiter.js';

/**
 * Slows password guessing: each sign-in attempt takes a token from its username's budget and
 * from its client address's budget, and a successful one gives both back, so only failures
 * count. Guessing one account from many addresses, or many accounts from one address, both run
 * dry after `failuresPerMinute` failures and then get one more try per refill.
 */
export class LoginThrottle {
  readonly #limiter: RateLimiter;

  constructor(options: { failuresPerMinute: number }) {
    this.#limiter = new RateLimiter({
      perMinute: options.failuresPerMinute,
      burst: options.failuresPerMinute,
    });
  }

  /**
   * Takes an attempt before the password is checked, so parallel guesses are counted too.
   * Answers 0 when it may go ahead, else the seconds until it may; a refused attempt takes
   * nothing.
   */
  begin(username: string, address: string, now = Date.now()): number {
    const [user, client] = keys(username, address);
    const userWait = this.#limiter.take(user, now);
    const clientWait = this.#limiter.take(client, now);
    if (userWait === 0 && clientWait === 0) return 0;
    if (userWait === 0) this.#limiter.refund(user);
    if (clientWait === 0) this.#limiter.refund(client);
    return Math.max(userWait, clientWait);
  }

  /** The password was right: the attempt does not count against either budget. */
  succeeded(username: string, address: string) {
    for (const key of keys(username, address)) this.#limiter.refund(key);
  }
}

// Usernames are compared as typed elsewhere; case variants must not buy extra guesses here.
const keys = (username: string, address: string): [string, string] => [
  `user:${username.toLowerCase()}`,
  `address:${address}`,
];
