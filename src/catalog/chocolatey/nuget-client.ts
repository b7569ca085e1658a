import { LatchError } from '../../errors.js';
import { parseNugetEntry, parseNugetFeed } from './nuget-atom.js';
import type { NugetFeedPage, NugetPackage } from './nuget-package.js';
import type { UpstreamGate, UpstreamRequestKind } from './upstream-gate.js';

/** The repository Latch mirrors: the community repository or an internal NuGet v2 feed. */
export interface NugetUpstream {
  /** The feed root, e.g. `https://community.chocolatey.org/api/v2`. */
  url: string;
  username: string | null;
  password: string | null;
}

export interface NugetClientOptions {
  upstream: () => Promise<NugetUpstream>;
  gate: UpstreamGate;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** Per request, before the upstream counts as failing. */
  timeoutMs: number;
  /** The most pages `FindPackagesById()` follows. */
  maxPages: number;
  /** Called with the end of every pause a 429 caused, so other servers can honour it. */
  onThrottled?: (pausedUntil: number) => void;
}

/** How long a caller is prepared to wait for a rate-limit slot or a 429 pause to end. */
export interface WaitBudget {
  maxWaitMs: number;
}

const odataString = (text: string) => encodeURIComponent(`'${text.replace(/'/g, "''")}'`);

/** Raised when a request would have to wait longer than the caller's budget. */
export const upstreamBusy = (retryAfterMs: number) =>
  new LatchError(
    'upstream_busy',
    503,
    `the package repository asked us to slow down; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
  );

/**
 * Client of a NuGet v2 OData feed (Search(), FindPackagesById(), Packages(Id,Version), package
 * download), every request passing through the politeness gate. Credentials go only to the
 * upstream's own origin, never to a host a `next` or `content src` link points elsewhere.
 */
export class NugetClient {
  readonly #options: NugetClientOptions;

  constructor(options: NugetClientOptions) {
    this.#options = options;
  }

  /** One page of `Search()`; `skip`/`top` page through it. */
  async search(
    term: string,
    options: { includePrerelease: boolean; skip: number; top: number } & WaitBudget,
  ): Promise<NugetFeedPage> {
    const base = await this.#base();
    const query =
      `searchTerm=${odataString(term)}&targetFramework=${odataString('')}` +
      `&includePrerelease=${options.includePrerelease}&$skip=${options.skip}&$top=${options.top}`;
    const body = await this.#text('metadata', `${base}/Search()?${query}`, options);
    return parseNugetFeed(body ?? '');
  }

  /** Every version of a package, following the server's `next` links. Empty when unknown. */
  async findPackagesById(id: string, budget: WaitBudget): Promise<NugetPackage[]> {
    const base = await this.#base();
    let url: string | null = `${base}/FindPackagesById()?id=${odataString(id)}`;
    const packages: NugetPackage[] = [];
    for (let page = 0; url && page < this.#options.maxPages; page++) {
      const body = await this.#text('metadata', url, budget);
      if (body === null) break;
      const parsed = parseNugetFeed(body);
      packages.push(...parsed.packages);
      url = parsed.next;
    }
    return packages;
  }

  /** One package version, or undefined when the upstream does not have it. */
  async getPackage(
    id: string,
    version: string,
    budget: WaitBudget,
  ): Promise<NugetPackage | undefined> {
    const base = await this.#base();
    const url = `${base}/Packages(Id=${odataString(id)},Version=${odataString(version)})`;
    const body = await this.#text('metadata', url, budget);
    return body === null ? undefined : parseNugetEntry(body);
  }

  /** The `.nupkg` bytes of a package version. */
  async download(pkg: NugetPackage, budget: WaitBudget): Promise<Buffer> {
    const base = await this.#base();
    const url =
      pkg.contentUrl ??
      `${base}/package/${encodeURIComponent(pkg.id)}/${encodeURIComponent(pkg.version)}`;
    const response = await this.#send('download', url, budget);
    if (!response) {
      throw new LatchError('upstream_failed', 502, `the repository has no file for ${pkg.id}`);
    }
    return Buffer.from(await response.arrayBuffer());
  }

  async #base(): Promise<string> {
    return (await this.#options.upstream()).url.replace(/\/+$/, '');
  }

  async #text(kind: UpstreamRequestKind, url: string, budget: WaitBudget) {
    const response = await this.#send(kind, url, budget);
    return response ? response.text() : null;
  }

  /** Sends one request when the gate allows it; null on 404. */
  async #send(kind: UpstreamRequestKind, url: string, budget: WaitBudget) {
    const { gate, sleep } = this.#options;
    let waited = 0;
    for (;;) {
      const wait = gate.reserve(kind);
      if (wait > 0) {
        if (waited + wait > budget.maxWaitMs) throw upstreamBusy(wait);
        await sleep(wait);
        waited += wait;
        continue;
      }
      const response = await this.#fetch(url);
      if (response.status === 429) {
        await response.body?.cancel();
        const pause = gate.throttled(response.headers.get('retry-after'));
        this.#options.onThrottled?.(Date.now() + pause);
        continue;
      }
      if (response.status === 404) {
        await response.body?.cancel();
        gate.succeeded();
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel();
        gate.failed(`HTTP ${response.status}`);
        throw new LatchError(
          'upstream_failed',
          502,
          `the package repository answered ${response.status}`,
        );
      }
      gate.succeeded();
      return response;
    }
  }

  async #fetch(url: string): Promise<Response> {
    const upstream = await this.#options.upstream();
    const headers: Record<string, string> = {
      accept: 'application/atom+xml, application/xml, application/zip',
      'user-agent': 'Latch (caching Chocolatey source)',
    };
    if (upstream.username && new URL(url).origin === new URL(upstream.url).origin) {
      const pair = `${upstream.username}:${upstream.password ?? ''}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    try {
      return await this.#options.fetch(url, {
        headers,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
    } catch (error) {
      this.#options.gate.failed(error instanceof Error ? error.message : String(error));
      throw new LatchError('upstream_unreachable', 502, 'the package repository is unreachable', {
        cause: error,
      });
    }
  }
}
