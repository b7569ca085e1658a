/** Progress of a job split into requests: how many items are done of how many. */
export interface BatchProgress {
  done: number;
  total: number;
}

/**
 * Sends `items` in batches of `size`, one request after another, reporting progress after each,
 * so that a bulk change of thousands of devices shows how far it got and, when a batch fails,
 * what was already done before the error.
 */
export async function inBatches<T>(
  items: T[],
  size: number,
  work: (batch: T[]) => Promise<void>,
  onProgress: (progress: BatchProgress) => void,
) {
  onProgress({ done: 0, total: items.length });
  for (let start = 0; start < items.length; start += size) {
    const batch = items.slice(start, start + size);
    await work(batch);
    onProgress({ done: start + batch.length, total: items.length });
  }
}
