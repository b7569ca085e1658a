import type { ChocolateyConfig } from '../../config.js';
import type { SecretBox } from '../../service/secret-box.js';
import type { Storage } from '../../storage/storage.js';
import { NugetClient } from './nuget-client.js';
import type { NugetUpstream, WaitBudget } from './nuget-client.js';
import type { NugetPackage } from './nuget-package.js';
import { PackageCache } from './package-cache.js';
import { databaseFileStore, directoryFileStore } from './package-files.js';
import type { PackageFileStore } from './package-files.js';
import { UpstreamGate } from './upstream-gate.js';
import type { UpstreamHealth } from './upstream-gate.js';

/** How long the upstream settings read from the database are reused. */
const SETTINGS_TTL_MS = 5_000;
const SEARCH_TTL_MS = 60_000;
const SEARCH_CACHE_ENTRIES = 500;
const SEARCH_BUDGET: WaitBudget = { maxWaitMs: 5_000 };

/** The wired Chocolatey feature of one server: upstream client, cache and politeness gate. */
export interface Chocolatey {
  gate: UpstreamGate;
  client: NugetClient;
  cache: PackageCache;
  files: PackageFileStore;
  /** The key device feed passwords are derived from (until agent credentials replace them). */
  feedKey: Buffer;
  /** The wait a device's feed request may spend on upstream. */
  feedBudget: WaitBudget;
  /**
   * One page of the repository's `Search()`, cached for a minute. When upstream cannot answer,
   * the last answer is returned marked stale; with none, the upstream error is thrown.
   */
  search(
    term: string,
    page: { skip: number; top: number; includePrerelease: boolean },
  ): Promise<{ packages: NugetPackage[]; stale: boolean; fetchedAt: number }>;
  /** The upstream in use (never its password) and its health as this server sees it. */
  upstreamStatus(): Promise<{ url: string; username: string | null } & UpstreamHealth>;
  /** Stores a new upstream URL and credentials (the password sealed) for every server. */
  setUpstream(
    input: { url: string; username: string | null; password: string | null },
    store?: Pick<Storage, 'putUpstreamSettings'>,
  ): Promise<void>;
}

export interface ChocolateyDependencies {
  config: ChocolateyConfig;
  storage: Storage;
  secrets: SecretBox;
  feedKey: Buffer;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Wires the Chocolatey feature over the server's storage and secrets. */
export function createChocolatey(dependencies: ChocolateyDependencies): Chocolatey {
  const { config, storage, secrets } = dependencies;
  const now = dependencies.now ?? Date.now;
  const sleep = dependencies.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const gate = new UpstreamGate({
    perMinute: { metadata: config.metadataPerMinute, download: config.downloadsPerMinute },
    defaultBackoffMs: 60_000,
    jitter: 0.2,
    now,
    random: dependencies.random ?? Math.random,
  });

  let settings: { upstream: NugetUpstream; readAt: number } | undefined;
  const upstream = async (): Promise<NugetUpstream> => {
    if (settings && now() - settings.readAt < SETTINGS_TTL_MS) return settings.upstream;
    const stored = await storage.getUpstreamSettings();
    gate.pauseUntil(stored.pausedUntil);
    const resolved = {
      url: stored.url ?? config.upstreamUrl,
      username: stored.username,
      password: stored.passwordSealed ? secrets.openText(stored.passwordSealed) : null,
    };
    settings = { upstream: resolved, readAt: now() };
    return resolved;
  };

  const client = new NugetClient({
    upstream,
    gate,
    fetch: dependencies.fetch ?? fetch,
    sleep,
    timeoutMs: 30_000,
    maxPages: 50,
    // Servers behind one address share the ban, so the pause is recorded for all of them.
    onThrottled: (until) => void storage.extendUpstreamPause(until, now()).catch(() => {}),
  });
  const files =
    config.files === 'database'
      ? databaseFileStore(storage, now)
      : directoryFileStore(config.files.directory);
  const cache = new PackageCache({
    store: storage,
    client,
    files,
    now,
    sleep,
    leaseMs: Math.max(60_000, config.feedWaitMs * 2),
    listTtlMs: config.listTtlMs,
    notFoundTtlMs: 60_000,
  });

  const searches = new Map<string, { packages: NugetPackage[]; fetchedAt: number }>();

  return {
    gate,
    client,
    cache,
    files,
    feedKey: dependencies.feedKey,
    feedBudget: { maxWaitMs: config.feedWaitMs },
    async search(term, page) {
      const key = JSON.stringify([term.toLowerCase(), page.skip, page.top, page.includePrerelease]);
      const known = searches.get(key);
      if (known && now() - known.fetchedAt < SEARCH_TTL_MS) return { ...known, stale: false };
      try {
        const answer = await client.search(term, { ...page, ...SEARCH_BUDGET });
        if (searches.size >= SEARCH_CACHE_ENTRIES) searches.clear();
        const fresh = { packages: answer.packages, fetchedAt: now() };
        searches.set(key, fresh);
        return { ...fresh, stale: false };
      } catch (error) {
        if (known) return { ...known, stale: true };
        throw error;
      }
    },
    async upstreamStatus() {
      const { url, username } = await upstream();
      return { url, username, ...gate.health() };
    },
    async setUpstream(input, store = storage) {
      await store.putUpstreamSettings(
        {
          url: input.url.replace(/\/+$/, ''),
          username: input.username,
          passwordSealed: input.password === null ? null : secrets.seal(input.password),
        },
        now(),
      );
      settings = undefined;
    },
  };
}
