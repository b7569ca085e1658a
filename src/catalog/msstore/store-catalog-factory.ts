import type { StoreConfig } from '../../config.js';
import type { CatalogCacheStore } from '../../storage/roles/store-apps.js';
import { StoreCatalog } from './store-catalog.js';
import { WingetRestClient } from './winget-rest-client.js';

/** The Store catalog over the configured winget REST source and the given cache. */
export function storeCatalogFrom(config: StoreConfig, cache: CatalogCacheStore): StoreCatalog {
  const client = new WingetRestClient({
    baseUrl: config.url,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    backoffMs: config.backoffMs,
  });
  return new StoreCatalog(client, cache, {
    ttlMs: config.cacheTtlMs,
    maxResults: config.maxResults,
  });
}
