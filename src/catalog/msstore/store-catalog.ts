import { LatchError } from '../../errors.js';
import type { CatalogCacheStore } from '../../storage/roles/store-apps.js';
import { classifyManifest, latestVersion } from './classify.js';
import type { AppKind, AppType } from './store-app.js';
import type { WingetRestClient } from './winget-rest-client.js';
import type { ManifestSearchRequest, PackageManifest } from './winget-rest-types.js';

/** One Store product as Latch lists it: who makes it and how it can be delivered. */
export interface CatalogItem {
  id: string;
  name: string;
  publisher: string;
  kind: AppKind;
  appType: AppType;
  packageFamilyName: string | null;
  reason: string | null;
  iconUrl: string | null;
}

/** An answer and how fresh it is; `stale` answers come from the cache while the Store is down. */
export interface Freshness {
  market: string;
  fetchedAt: number;
  stale: boolean;
  /** When the cached answer passed its time to live; null when fresh. */
  staleSince: number | null;
  /** Why the Store could not be asked; null when fresh. */
  storeError: string | null;
}

export interface SearchAnswer extends Freshness {
  query: string;
  items: CatalogItem[];
}

export interface LookupAnswer extends Freshness {
  /** Undefined when the Store has no product with that ID. */
  item: CatalogItem | undefined;
}

export interface StoreCatalogOptions {
  ttlMs: number;
  maxResults: number;
  /** How many manifests are fetched at once while classifying a search. */
  concurrency?: number;
  now?: () => number;
}

/**
 * Searches and looks up Microsoft Store products, classifies each from its manifest, and keeps
 * the answers per market in the database for `ttlMs`. When the Store cannot be reached, a cached
 * answer is served marked stale; with nothing cached, the `store_unreachable` error stands.
 * Concurrent identical requests share one trip to the Store.
 */
export class StoreCatalog {
  readonly #client: WingetRestClient;
  readonly #cache: CatalogCacheStore;
  readonly #options: Required<StoreCatalogOptions>;
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(client: WingetRestClient, cache: CatalogCacheStore, options: StoreCatalogOptions) {
    this.#client = client;
    this.#cache = cache;
    this.#options = Object.freeze({ concurrency: 6, now: Date.now, ...options });
  }

  async search(query: string, market: string): Promise<SearchAnswer> {
    const key = `search:${market}:${query.trim().toLowerCase()}`;
    const { value, ...freshness } = await this.#cached(key, market, 'search', () =>
      this.#searchStore(query.trim(), market),
    );
    return { query: query.trim(), ...freshness, items: value };
  }

  async lookup(storeId: string, market: string): Promise<LookupAnswer> {
    const { value, ...freshness } = await this.#cached(
      `lookup:${market}:${storeId}`,
      market,
      'manifest',
      () => this.#lookupStore(storeId, market),
    );
    return { ...freshness, item: value ?? undefined };
  }

  async #cached<T>(
    key: string,
    market: string,
    kind: 'search' | 'manifest',
    fetchFromStore: () => Promise<T>,
  ): Promise<Freshness & { value: T }> {
    const now = this.#options.now();
    const cached = await this.#cache.readCatalogCache(key);
    const fresh = { market, stale: false, staleSince: null, storeError: null };
    if (cached && now - cached.fetchedAt < this.#options.ttlMs) {
      return { ...fresh, fetchedAt: cached.fetchedAt, value: JSON.parse(cached.body) as T };
    }
    try {
      const value = await this.#shared(key, fetchFromStore);
      const fetchedAt = this.#options.now();
      const body = JSON.stringify(value ?? null);
      await this.#cache.writeCatalogCache({ key, market, kind, body, fetchedAt });
      return { ...fresh, fetchedAt, value };
    } catch (error) {
      if (!cached || !isStoreFailure(error)) throw error;
      return {
        market,
        fetchedAt: cached.fetchedAt,
        stale: true,
        staleSince: cached.fetchedAt + this.#options.ttlMs,
        storeError: error.message,
        value: JSON.parse(cached.body) as T,
      };
    }
  }

  #shared<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = work().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }

  async #searchStore(query: string, market: string): Promise<CatalogItem[]> {
    const request: ManifestSearchRequest = {
      Query: { KeyWord: query, MatchType: 'Substring' },
      Filters: [
        {
          PackageMatchField: 'Market',
          RequestMatch: { KeyWord: market, MatchType: 'CaseInsensitive' },
        },
      ],
      MaximumResults: this.#options.maxResults,
    };
    const results = await this.#client.searchAll(request, this.#options.maxResults);
    return mapLimited(results, this.#options.concurrency, async (result) => {
      const manifest = await this.#client.packageManifest(result.PackageIdentifier, market);
      return toItem(result.PackageIdentifier, manifest, market, {
        name: result.PackageName,
        publisher: result.Publisher,
      });
    });
  }

  async #lookupStore(storeId: string, market: string): Promise<CatalogItem | null> {
    const manifest = await this.#client.packageManifest(storeId, market);
    if (!manifest) return null;
    return toItem(storeId, manifest, market);
  }
}

function toItem(
  id: string,
  manifest: PackageManifest | undefined,
  market: string,
  listed?: { name: string; publisher: string },
): CatalogItem {
  const locale = latestVersion(manifest?.Versions ?? [])?.DefaultLocale;
  const classification = classifyManifest(id, manifest, market);
  return {
    id,
    name: listed?.name ?? locale?.PackageName ?? id,
    publisher: listed?.publisher ?? locale?.Publisher ?? '',
    ...classification,
    iconUrl: locale?.Icons?.[0]?.IconUrl ?? null,
  };
}

function isStoreFailure(error: unknown): error is LatchError {
  return (
    error instanceof LatchError &&
    (error.code === 'store_unreachable' || error.code === 'store_invalid_response')
  );
}

async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
