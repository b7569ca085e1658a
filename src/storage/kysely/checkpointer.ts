import { Worker } from 'node:worker_threads';

/** How often the background checkpoint runs. */
const INTERVAL_MS = 500;
/**
 * The WAL size (pages of 4 KiB) at which the server's own connection checkpoints anyway: only
 * reached when the background checkpoints fall behind or stopped.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

/**
 * Starts the background checkpoint of a SQLite file (see checkpoint-worker.ts); `stop` ends it.
 * The worker never keeps the process alive.
 */
export function startCheckpointer(path: string): { stop(): void } {
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
    workerData: { path, intervalMs: INTERVAL_MS },
  });
  worker.unref();
  // A failed round is retried by the next; the fallback autocheckpoint bounds the WAL meanwhile.
  worker.on('error', () => {});
  return {
    stop() {
      worker.postMessage('stop');
    },
  };
}
