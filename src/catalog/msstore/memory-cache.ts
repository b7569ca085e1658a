import type { CatalogCacheEntry, CatalogCacheStore } from '../../storage/roles/store-apps.js';

/** A process-local catalog cache, for the CLI, which has no database. */
export function memoryCatalogCache(): CatalogCacheStore {
  const entries = new Map<string, CatalogCacheEntry>();
  return {
    async readCatalogCache(key) {
      return entries.get(key);
    },
    async writeCatalogCache(entry) {
      entries.set(entry.key, entry);
    },
  };
}
