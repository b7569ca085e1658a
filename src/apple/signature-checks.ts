import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { signedBytes, verifyBytes } from './cms.js';
import type { ParsedSignature } from './cms.js';

/** One signature for the worker to check: `signature` by `key` over `data`. */
export interface SignatureCheck {
  digest: string;
  data: Uint8Array;
  key: KeyObject;
  signature: Uint8Array;
}

interface Waiting extends SignatureCheck {
  resolve(valid: boolean): void;
}

/**
 * Checks Mdm-Signatures on a worker thread when the machine has a core to spare. ECDSA
 * verification is about a quarter of the CPU the event loop spends on a command round trip, and
 * the event loop is the one thread every request needs. The checks asked for during one turn of
 * the event loop travel as one message, so the hand-over costs the event loop a few
 * microseconds a check (a check in place costs about 65). The worker starts with the first
 * check; if it fails, checks go on in place.
 */
export class SignatureChecks {
  /** Whether a worker is wanted and has not failed; it starts with the first check. */
  #wanted: boolean;
  #worker: Worker | undefined;
  #closing = false;
  #queued: Waiting[] = [];
  /** Batches sent, oldest first: the worker answers them in order. */
  readonly #sent: Waiting[][] = [];
  readonly #onFailure: (error: Error) => void;

  /** `offThread: false` (or a single core) checks every signature in place. */
  constructor(options: { offThread?: boolean; onFailure?: (error: Error) => void } = {}) {
    this.#onFailure = options.onFailure ?? (() => {});
    this.#wanted = options.offThread ?? availableParallelism() > 1;
  }

  /** True while the checks go to the worker thread. */
  get offThread(): boolean {
    return this.#wanted;
  }

  /** True when `parsed` is a valid signature by `key` over `body`; never rejects. */
  async verify(parsed: ParsedSignature, body: Uint8Array, key: KeyObject): Promise<boolean> {
    // The digest is checked here (a few microseconds); the signature, the costly part, there.
    const data = signedBytes(parsed, body);
    if (data === undefined) return false;
    if (!this.#wanted) return verifyBytes(parsed.digest, data, key, parsed.signature);
    this.#worker ??= this.#start();
    return new Promise((resolve) => {
      if (this.#queued.length === 0) setImmediate(() => this.#flush());
      // Copies the size of their bytes: a Buffer may be a view into a shared 8 KiB pool, which
      // the worker would otherwise receive whole.
      this.#queued.push({
        digest: parsed.digest,
        data: new Uint8Array(data),
        key,
        signature: new Uint8Array(parsed.signature),
        resolve,
      });
    });
  }

  /** Stops the worker; checks still under way finish in place. */
  async close() {
    this.#closing = true;
    this.#wanted = false;
    await this.#worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(new URL('./signature-thread.js', import.meta.url));
    worker.unref();
    worker.on('message', (results: boolean[]) => {
      const batch = this.#sent.shift() ?? [];
      batch.forEach((check, index) => check.resolve(results[index] === true));
    });
    worker.on('error', (error) => this.#fallBack(error));
    worker.on('exit', (code) => {
      this.#fallBack(new Error(`the signature worker exited with code ${code}`));
    });
    return worker;
  }

  #flush() {
    const batch = this.#queued;
    this.#queued = [];
    if (batch.length === 0) return;
    if (!this.#worker) {
      checkInPlace(batch);
      return;
    }
    const checks = batch.map(({ digest, data, key, signature }) => ({
      digest,
      data,
      key,
      signature,
    }));
    try {
      this.#worker.postMessage(checks);
    } catch (error) {
      // Nothing of the batch reached the worker; it is checked here rather than lost.
      this.#onFailure(error as Error);
      checkInPlace(batch);
      return;
    }
    this.#sent.push(batch);
  }

  #fallBack(error: Error) {
    if (!this.#worker) return;
    this.#worker = undefined;
    this.#wanted = false;
    if (!this.#closing) this.#onFailure(error);
    // Checks queued for the next flush are checked in place by it.
    checkInPlace(this.#sent.splice(0).flat());
  }
}

function checkInPlace(checks: Waiting[]) {
  for (const check of checks) {
    check.resolve(verifyBytes(check.digest, check.data, check.key, check.signature));
  }
}
