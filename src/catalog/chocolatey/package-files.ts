import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LatchError } from '../../errors.js';
import type { ChocolateyStore } from '../../storage/roles/chocolatey.js';

/** Where `.nupkg` files live, keyed by their hex SHA-512, readable by every server. */
export interface PackageFileStore {
  readonly kind: 'directory' | 'database';
  put(sha512: string, bytes: Buffer): Promise<void>;
  /** The bytes, checked against their hash; undefined when absent. */
  get(sha512: string): Promise<Buffer | undefined>;
}

export const sha512Hex = (bytes: Buffer) => createHash('sha512').update(bytes).digest('hex');

function checked(sha512: string, bytes: Buffer): Buffer {
  if (sha512Hex(bytes) !== sha512) {
    throw new LatchError('package_file_corrupt', 500, `stored package file ${sha512} is corrupt`);
  }
  return bytes;
}

/**
 * Files in a directory (local, or a share every server mounts). A file is written under a
 * temporary name and renamed, so a reader never sees half of one.
 */
export function directoryFileStore(directory: string): PackageFileStore {
  const pathOf = (sha512: string) => join(directory, sha512.slice(0, 2), `${sha512}.nupkg`);
  return {
    kind: 'directory',
    async put(sha512, bytes) {
      const path = pathOf(sha512);
      await mkdir(join(directory, sha512.slice(0, 2)), { recursive: true });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    },
    async get(sha512) {
      try {
        return checked(sha512, await readFile(pathOf(sha512)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

/** Files in the database itself, for servers that share nothing else. */
export function databaseFileStore(store: ChocolateyStore, now: () => number): PackageFileStore {
  return {
    kind: 'database',
    put: (sha512, bytes) => store.putPackageFile(sha512, bytes, now()),
    async get(sha512) {
      const bytes = await store.getPackageFile(sha512);
      return bytes && checked(sha512, bytes);
    },
  };
}
