import { createHash, randomUUID } from 'node:crypto';
import { LatchError } from '../../errors.js';
import type { CachedPackageVersion, ChocolateyStore } from '../../storage/roles/chocolatey.js';
import { upstreamBusy } from './nuget-client.js';
import type { NugetClient, WaitBudget } from './nuget-client.js';
import { normalizeNugetVersion, packageKey } from './nuget-package.js';
import type { NugetPackage } from './nuget-package.js';
import { sha512Hex } from './package-files.js';
import type { PackageFileStore } from './package-files.js';

export interface PackageCacheOptions {
  store: ChocolateyStore;
  client: NugetClient;
  files: PackageFileStore;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** How long a server may hold the fetch of one package version before others take over. */
  leaseMs: number;
  /** How long a FindPackagesById() list is reused before upstream is asked again. */
  listTtlMs: number;
  /** How long an upstream "not found" is remembered, so unknown ids cannot hammer upstream. */
  notFoundTtlMs: number;
}

const MAX_VERSIONS_HELD = 10_000;
/** Popular packages are served from memory; the files store is read (and checked) on a miss. */
const MAX_BYTES_HELD = 64 * 1024 * 1024;
const HASH_ALGORITHMS: Record<string, 'sha512' | 'sha256'> = { SHA512: 'sha512', SHA256: 'sha256' };

/**
 * Fetches each package version's metadata and `.nupkg` from upstream once, for every server.
 * Concurrent requests for the same thing share one promise in this process, and one lease row in
 * the database across processes: the holder fetches, the others wait for the row it writes.
 */
export class PackageCache {
  readonly #options: PackageCacheOptions;
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #notFound = new Map<string, number>();
  /** Metadata is immutable once cached, so this process keeps the versions it has read. */
  readonly #versions = new Map<string, CachedPackageVersion>();
  /** Checked `.nupkg` bytes of recently served versions, oldest first, within a byte budget. */
  readonly #bytes = new Map<string, Buffer>();
  #bytesHeld = 0;

  constructor(options: PackageCacheOptions) {
    this.#options = options;
  }

  /** One version's metadata, fetched upstream when not cached; undefined when it does not exist. */
  async getVersion(
    id: string,
    version: string,
    budget: WaitBudget,
  ): Promise<CachedPackageVersion | undefined> {
    const key = packageKey(id);
    const versionKey = normalizeNugetVersion(version);
    const known = this.#versions.get(`${key}/${versionKey}`);
    if (known) return known;
    const cached = await this.#options.store.getCachedVersion(key, versionKey);
    if (cached) return this.#remember(cached);
    const name = `meta:${key}/${versionKey}`;
    if (this.#knownMissing(name)) return undefined;
    return this.#coalesce(name, () =>
      this.#underLease(
        name,
        budget,
        () => this.#options.store.getCachedVersion(key, versionKey),
        async () => {
          const pkg = await this.#options.client.getPackage(id, version, budget);
          if (!pkg) return this.#rememberMissing(name);
          await this.#options.store.cacheVersions([pkg], this.#options.now());
          const stored = await this.#options.store.getCachedVersion(key, versionKey);
          return stored && this.#remember(stored);
        },
      ),
    );
  }

  /**
   * Every version of a package in upstream's order, from a list refreshed upstream at most once
   * per TTL. Empty when upstream does not know the package.
   */
  async listVersions(id: string, budget: WaitBudget): Promise<CachedPackageVersion[]> {
    const key = packageKey(id);
    const fresh = async () => {
      const list = await this.#options.store.getPackageList(key);
      return list && this.#options.now() - list.fetchedAt < this.#options.listTtlMs
        ? list
        : undefined;
    };
    const list =
      (await fresh()) ??
      (await this.#coalesce(`list:${key}`, () =>
        this.#underLease(`list:${key}`, budget, fresh, async () => {
          const packages = await this.#options.client.findPackagesById(id, budget);
          const at = this.#options.now();
          await this.#options.store.cacheVersions(packages, at);
          const versionKeys = packages.map((p) => p.normalizedVersion);
          await this.#options.store.putPackageList(key, versionKeys, at);
          return { versionKeys, fetchedAt: at };
        }),
      ));
    const cached = new Map(
      (await this.#options.store.listCachedVersions(key)).map((v) => [v.versionKey, v]),
    );
    return (list?.versionKeys ?? []).flatMap((versionKey) => cached.get(versionKey) ?? []);
  }

  /** A version's `.nupkg`, downloaded once and checked against the hash the feed published. */
  async getFile(
    id: string,
    version: string,
    budget: WaitBudget,
  ): Promise<{ version: CachedPackageVersion; bytes: Buffer } | undefined> {
    const known = await this.getVersion(id, version, budget);
    if (!known) return undefined;
    const cached = known.fileSha512
      ? known
      : ((await this.#options.store.getCachedVersion(known.packageKey, known.versionKey)) ?? known);
    if (cached.fileSha512) this.#remember(cached);
    const stored = await this.#storedFile(cached);
    if (stored) return { version: cached, bytes: stored };
    const name = `file:${cached.packageKey}/${cached.versionKey}`;
    const reread = () =>
      this.#options.store
        .getCachedVersion(cached.packageKey, cached.versionKey)
        .then(async (row) => (row && (await this.#storedFile(row)) ? row : undefined));
    const done = await this.#coalesce(name, () =>
      this.#underLease(name, budget, reread, async () => {
        const bytes = await this.#options.client.download(cached.package, budget);
        verifyPackageHash(cached.package, bytes);
        const sha512 = sha512Hex(bytes);
        await this.#options.files.put(sha512, bytes);
        await this.#options.store.recordCachedFile(
          cached.packageKey,
          cached.versionKey,
          { sha512, size: bytes.length },
          this.#options.now(),
        );
        return reread();
      }),
    );
    const bytes = done && (await this.#storedFile(this.#remember(done)));
    return done && bytes ? { version: done, bytes } : undefined;
  }

  #remember(version: CachedPackageVersion): CachedPackageVersion {
    const name = `${version.packageKey}/${version.versionKey}`;
    if (this.#versions.size >= MAX_VERSIONS_HELD) this.#versions.clear();
    this.#versions.set(name, version);
    return version;
  }

  async #storedFile(version: CachedPackageVersion): Promise<Buffer | undefined> {
    const sha512 = version.fileSha512;
    if (!sha512) return undefined;
    const held = this.#bytes.get(sha512);
    if (held) {
      this.#bytes.delete(sha512);
      this.#bytes.set(sha512, held);
      return held;
    }
    const bytes = await this.#options.files.get(sha512);
    if (!bytes || bytes.length > MAX_BYTES_HELD / 4) return bytes;
    this.#bytes.set(sha512, bytes);
    this.#bytesHeld += bytes.length;
    for (const [oldest, buffer] of this.#bytes) {
      if (this.#bytesHeld <= MAX_BYTES_HELD) break;
      this.#bytes.delete(oldest);
      this.#bytesHeld -= buffer.length;
    }
    return bytes;
  }

  #coalesce<T>(name: string, work: () => Promise<T>): Promise<T> {
    const running = this.#inflight.get(name);
    if (running) return running as Promise<T>;
    const started = work().finally(() => this.#inflight.delete(name));
    this.#inflight.set(name, started);
    return started;
  }

  /**
   * Runs `fetch` while holding the named lease, unless `check` finds the work already done. A
   * server that cannot take the lease polls `check` until the holder finishes or the lease lapses.
   */
  async #underLease<T>(
    name: string,
    budget: WaitBudget,
    check: () => Promise<T | undefined>,
    fetch: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const { store, now, sleep, leaseMs } = this.#options;
    const holder = randomUUID();
    const started = now();
    for (let poll = 20; ; poll = Math.min(poll * 2, 500)) {
      const done = await check();
      if (done !== undefined) return done;
      if (await store.acquireLease(name, holder, now() + leaseMs, now())) {
        try {
          const again = await check();
          if (again !== undefined) return again;
          return await fetch();
        } finally {
          await store.releaseLease(name, holder);
        }
      }
      if (now() - started + poll > budget.maxWaitMs) throw upstreamBusy(poll);
      await sleep(poll);
    }
  }

  #knownMissing(name: string): boolean {
    const until = this.#notFound.get(name);
    if (until === undefined) return false;
    if (until > this.#options.now()) return true;
    this.#notFound.delete(name);
    return false;
  }

  #rememberMissing(name: string): undefined {
    this.#notFound.set(name, this.#options.now() + this.#options.notFoundTtlMs);
    return undefined;
  }
}

/** Throws `package_hash_mismatch` when the bytes are not the ones the feed published. */
export function verifyPackageHash(pkg: NugetPackage, bytes: Buffer) {
  if (!pkg.packageHash) return;
  const algorithm = HASH_ALGORITHMS[(pkg.packageHashAlgorithm ?? 'SHA512').toUpperCase()];
  if (!algorithm) return;
  const actual = createHash(algorithm).update(bytes).digest('base64');
  if (actual !== pkg.packageHash) {
    throw new LatchError(
      'package_hash_mismatch',
      502,
      `the downloaded ${pkg.id} ${pkg.version} does not match the hash the repository published`,
    );
  }
}
