import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface QueuedItem<T> {
  /** Chosen when the item is queued and sent with every attempt, so the server stores it once. */
  id: string;
  body: T;
}

/**
 * A first-in first-out queue of JSON items on disk, one file per item, that survives restarts and
 * network loss. An item is written to a temporary file, flushed, then renamed into place, so a
 * crash leaves it whole or absent; it is deleted only after the server has acknowledged it, so a
 * crash during an upload sends it again (with the same id) and loses nothing.
 */
export class DiskQueue<T> {
  readonly #dir: string;
  #sequence = 0;
  #ready: Promise<void> | undefined;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Queues an item and answers once it is on disk. */
  async push(body: T, id: string = randomUUID()): Promise<QueuedItem<T>> {
    await this.#prepare();
    const name = `${Date.now().toString().padStart(15, '0')}-${String(this.#sequence++).padStart(
      9,
      '0',
    )}-${id}.json`;
    const temporary = join(this.#dir, `.${name}.tmp`);
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify({ id, body }));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, join(this.#dir, name));
    return { id, body };
  }

  /** The oldest items, at most `limit`, without removing them. */
  async peek(limit: number): Promise<QueuedItem<T>[]> {
    await this.#prepare();
    const names = (await readdir(this.#dir)).filter((n) => n.endsWith('.json')).sort();
    const items: QueuedItem<T>[] = [];
    for (const name of names.slice(0, limit)) {
      items.push({
        ...(JSON.parse(await readFile(join(this.#dir, name), 'utf8')) as QueuedItem<T>),
      });
    }
    return items;
  }

  /** Removes acknowledged items by id; ids not queued are ignored. */
  async remove(ids: Iterable<string>): Promise<void> {
    const wanted = new Set(ids);
    const names = await readdir(this.#dir);
    await Promise.all(
      names
        .filter((n) => n.endsWith('.json') && wanted.has(n.slice(26, -5)))
        .map((n) => rm(join(this.#dir, n), { force: true })),
    );
  }

  async size(): Promise<number> {
    await this.#prepare();
    return (await readdir(this.#dir)).filter((n) => n.endsWith('.json')).length;
  }

  /** Creates the folder and clears temporary files a crash left half-written. */
  #prepare(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.#dir, { recursive: true, mode: 0o700 });
      const leftovers = (await readdir(this.#dir)).filter((n) => n.endsWith('.tmp'));
      await Promise.all(leftovers.map((n) => rm(join(this.#dir, n), { force: true })));
    })();
    return this.#ready;
  }
}
