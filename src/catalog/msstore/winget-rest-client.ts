import { storeInvalidResponse, storeUnreachable } from '../../errors.js';
import type {
  ManifestSearchRequest,
  ManifestSearchResult,
  PackageManifest,
  SourceInformation,
} from './winget-rest-types.js';

/** The Microsoft Store's public winget REST endpoint, the `msstore` source of winget. */
export const MSSTORE_DEFAULT_URL = 'https://storeedgefd.dsx.mp.microsoft.com/v9.0';

export interface WingetRestClientOptions {
  /** The source's base URL, without a trailing slash. */
  baseUrl: string;
  /** The whole budget of one call, retries included; past it the call fails. */
  timeoutMs: number;
  /** How many times a failed attempt is tried again (network error, 429 or 5xx). */
  retries: number;
  /** The first pause between attempts; it doubles each time. */
  backoffMs: number;
}

/** One page of search results and the token that asks for the next one. */
export interface SearchPage {
  results: ManifestSearchResult[];
  continuationToken: string | null;
}

class RetryableError extends Error {}

/**
 * A client of a WinGet REST source (`information`, `manifestSearch`, `packageManifests/{id}`).
 * Every call is bounded by the configured timeout, retries what may pass on a second try with
 * exponential backoff, and fails with `store_unreachable` rather than hanging or answering an
 * empty list. A 204 from manifestSearch is a genuine "no results".
 */
export class WingetRestClient {
  readonly #options: Readonly<WingetRestClientOptions>;

  constructor(options: WingetRestClientOptions) {
    this.#options = Object.freeze({ ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') });
  }

  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  async information(): Promise<SourceInformation> {
    const answer = await this.#call('GET', '/information');
    return dataOf<SourceInformation>(answer.body, 'information');
  }

  /** One page of results; a 204 answer is an empty page. */
  async manifestSearch(
    request: ManifestSearchRequest,
    continuationToken?: string,
  ): Promise<SearchPage> {
    const headers: Record<string, string> = {};
    if (continuationToken) headers.ContinuationToken = continuationToken;
    const answer = await this.#call('POST', '/manifestSearch', request, headers);
    if (answer.status === 204) return { results: [], continuationToken: null };
    const body = answer.body as { Data?: unknown; ContinuationToken?: unknown };
    if (!Array.isArray(body?.Data)) throw storeInvalidResponse('manifestSearch without Data');
    return {
      results: body.Data as ManifestSearchResult[],
      continuationToken: typeof body.ContinuationToken === 'string' ? body.ContinuationToken : null,
    };
  }

  /** Follows continuation tokens until `limit` results or the last page. */
  async searchAll(request: ManifestSearchRequest, limit: number): Promise<ManifestSearchResult[]> {
    const results: ManifestSearchResult[] = [];
    let token: string | undefined;
    do {
      const page = await this.manifestSearch(request, token);
      results.push(...page.results);
      token = page.continuationToken ?? undefined;
    } while (token && results.length < limit);
    return results.slice(0, limit);
  }

  /** The package's manifest as offered in `market`; undefined when the Store has no such ID. */
  async packageManifest(id: string, market: string): Promise<PackageManifest | undefined> {
    const path = `/packageManifests/${encodeURIComponent(id)}?Market=${encodeURIComponent(market)}`;
    const answer = await this.#call('GET', path);
    if (answer.status === 404 || answer.status === 204) return undefined;
    return dataOf<PackageManifest>(answer.body, 'packageManifests');
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const { baseUrl, timeoutMs, retries, backoffMs } = this.#options;
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no attempt was made';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const pause = backoffMs * 2 ** (attempt - 1);
        if (Date.now() + pause >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      try {
        return await this.#attempt(method, baseUrl + path, body, headers, remaining);
      } catch (error) {
        if (!(error instanceof RetryableError)) throw error;
        lastProblem = error.message;
      }
    }
    const timedOut = Date.now() >= deadline ? ` (gave up after ${timeoutMs} ms)` : '';
    throw storeUnreachable(`${lastProblem}${timedOut}`);
  }

  async #attempt(
    method: string,
    url: string,
    body: unknown,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RetryableError(describeFetchError(error, url));
    }
    const text = await response.text().catch((error: unknown) => {
      throw new RetryableError(describeFetchError(error, url));
    });
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableError(`${new URL(url).host} answered HTTP ${response.status}`);
    }
    if (response.status === 204 || response.status === 404) {
      return { status: response.status, body: undefined };
    }
    if (response.status !== 200) {
      throw storeInvalidResponse(`HTTP ${response.status} for ${new URL(url).pathname}`);
    }
    return { status: 200, body: parseStoreJson(text) };
  }
}

/** Parses a Store answer; the Store (and recorded REST-source files) may start with a BOM. */
export function parseStoreJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw storeInvalidResponse('the body is not JSON');
  }
}

function dataOf<T>(body: unknown, what: string): T {
  const data = (body as { Data?: unknown } | undefined)?.Data;
  if (data === null || typeof data !== 'object') throw storeInvalidResponse(`${what} without Data`);
  return data as T;
}

function describeFetchError(error: unknown, url: string): string {
  const host = new URL(url).host;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer from ${host} in time`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: string } | undefined)?.code;
  return `cannot reach ${host}${code ? ` (${code})` : ''}`;
}
