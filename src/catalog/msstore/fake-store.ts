import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Installer, ManifestSearchRequest, PackageManifest } from './winget-rest-types.js';

const SEARCH_TYPE =
  'Microsoft.Marketplace.Storefront.StoreEdgeFD.BusinessLogic.Response.ManifestSearch.';
const MAX_BODY_BYTES = 64 * 1024;

/** The catalog folders of this checkout: our constructed entries and the shared recordings. */
export const FAKE_STORE_CATALOG = fileURLToPath(
  new URL('../../../../fixtures/msstore-catalog/', import.meta.url),
);
export const SHARED_MSSTORE_FIXTURES = fileURLToPath(
  new URL('../../../../../shared/fixtures/msstore/', import.meta.url),
);

/** How the fake misbehaves, so tests can see Latch cope with a Store that is down or slow. */
export type FakeStoreFault =
  { kind: 'none' } | { kind: 'status'; status: number } | { kind: 'hang' } | { kind: 'drop' };

export interface FakeStore {
  /** Base URL of the REST source, e.g. http://127.0.0.1:PORT/v9.0 */
  url: string;
  port: number;
  /** Requests served so far, by path (without the query). */
  requests: string[];
  setFault(fault: FakeStoreFault): void;
  close(): Promise<void>;
}

export interface FakeStoreOptions {
  port?: number;
  host?: string;
  /** Results per manifestSearch page before a ContinuationToken; default 25. */
  pageSize?: number;
  catalogDir?: string;
  sharedDir?: string;
}

interface Entry {
  id: string;
  /** The file as recorded or constructed, served verbatim when no market filter changes it. */
  text: string;
  manifest: PackageManifest;
  envelope: Record<string, unknown>;
}

/**
 * A local stand-in for the Microsoft Store's winget REST source (`/information`,
 * `/manifestSearch`, `/packageManifests/{id}`), following the WinGet REST OpenAPI 1.10.0 and the
 * msstore answer shapes, fed with the recorded and constructed entries of fixtures/. It exists
 * for tests, demos and the console's end-to-end tests; it never stands in for Latch itself.
 */
export async function startFakeStore(options: FakeStoreOptions = {}): Promise<FakeStore> {
  const entries = loadEntries(
    options.catalogDir ?? FAKE_STORE_CATALOG,
    options.sharedDir ?? SHARED_MSSTORE_FIXTURES,
  );
  const information = readFileSync((options.catalogDir ?? FAKE_STORE_CATALOG) + 'information.json');
  const pageSize = options.pageSize ?? 25;
  const requests: string[] = [];
  let fault: FakeStoreFault = { kind: 'none' };
  const sockets = new Set<Socket>();

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    requests.push(path);
    if (fault.kind === 'hang') return;
    if (fault.kind === 'drop') return void request.socket.destroy();
    if (fault.kind === 'status') return send(response, fault.status, { ErrorCode: fault.status });
    handle(request, response, { entries, information, pageSize }).catch(() =>
      send(response, 500, { ErrorCode: 500, ErrorMessage: 'fake store failed' }),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v9.0`,
    port,
    requests,
    setFault(next) {
      fault = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  catalog: { entries: Map<string, Entry>; information: Buffer; pageSize: number },
) {
  const url = new URL(request.url ?? '/', 'http://fake');
  const path = url.pathname.replace(/^\/v9\.0/, '');
  if (request.method === 'GET' && path === '/information') {
    return sendRaw(response, 200, catalog.information);
  }
  const manifestPath = /^\/packageManifests\/([^/]+)$/.exec(path);
  if (request.method === 'GET' && manifestPath) {
    const id = decodeURIComponent(manifestPath[1] ?? '').toUpperCase();
    const entry = catalog.entries.get(id);
    if (!entry) return send(response, 404, { ErrorCode: 404, ErrorMessage: 'Not Found' });
    return serveManifest(response, entry, url.searchParams.get('Market'));
  }
  if (request.method === 'POST' && path === '/manifestSearch') {
    const body = await readBody(request);
    if (body === undefined)
      return send(response, 400, { ErrorCode: 400, ErrorMessage: 'bad body' });
    const token = request.headers.continuationtoken;
    return serveSearch(response, catalog, body, typeof token === 'string' ? token : undefined);
  }
  send(response, 404, { ErrorCode: 404, ErrorMessage: 'Not Found' });
}

function serveManifest(response: ServerResponse, entry: Entry, market: string | null) {
  const installers = entry.manifest.Versions?.flatMap((v) => v.Installers ?? []) ?? [];
  if (!market || installers.every((installer) => allows(installer, market))) {
    return sendRaw(response, 200, Buffer.from(entry.text));
  }
  // The Market query filters installers, as the spec's PackageMarketQuery describes.
  const filtered = {
    ...entry.manifest,
    Versions: entry.manifest.Versions?.map((version) => ({
      ...version,
      Installers: (version.Installers ?? []).filter((installer) => allows(installer, market)),
    })),
  };
  send(response, 200, { ...entry.envelope, Data: filtered });
}

function serveSearch(
  response: ServerResponse,
  catalog: { entries: Map<string, Entry>; pageSize: number },
  request: ManifestSearchRequest,
  continuationToken: string | undefined,
) {
  const matches = [...catalog.entries.values()].filter((entry) => matchesSearch(entry, request));
  const limit = Math.min(request.MaximumResults ?? matches.length, matches.length);
  const offset = continuationToken
    ? Number(Buffer.from(continuationToken, 'base64').toString())
    : 0;
  const end = Math.min(offset + catalog.pageSize, limit);
  if (!Number.isInteger(offset) || offset >= end) return sendRaw(response, 204, Buffer.alloc(0));
  const data = matches.slice(offset, end).map(searchData);
  const next = end < limit ? Buffer.from(String(end)).toString('base64') : undefined;
  send(response, 200, {
    $type: `${SEARCH_TYPE}ManifestSearchResponse, StoreEdgeFD`,
    Data: data,
    ...(next ? { ContinuationToken: next } : {}),
  });
}

function searchData(entry: Entry) {
  const version = entry.manifest.Versions?.[0];
  return {
    $type: `${SEARCH_TYPE}ManifestSearchData, StoreEdgeFD`,
    PackageIdentifier: entry.manifest.PackageIdentifier,
    PackageName: version?.DefaultLocale?.PackageName ?? entry.id,
    Publisher: version?.DefaultLocale?.Publisher ?? '',
    Versions: (entry.manifest.Versions ?? []).map((v) => ({
      $type: `${SEARCH_TYPE}ManifestSearchVersion, StoreEdgeFD`,
      PackageVersion: v.PackageVersion,
    })),
  };
}

function matchesSearch(entry: Entry, request: ManifestSearchRequest): boolean {
  const locale = entry.manifest.Versions?.[0]?.DefaultLocale;
  const fields: Record<string, string[]> = {
    PackageIdentifier: [entry.manifest.PackageIdentifier],
    PackageName: [locale?.PackageName ?? ''],
    Publisher: [locale?.Publisher ?? ''],
  };
  const query = request.Query;
  const queryMatches =
    !query ||
    [
      ...(fields.PackageIdentifier ?? []),
      ...(fields.PackageName ?? []),
      ...(fields.Publisher ?? []),
    ].some((value) => matches(value, query.KeyWord, query.MatchType));
  const inclusions = request.Inclusions ?? [];
  const included =
    inclusions.length === 0 ||
    inclusions.some((inclusion) =>
      (fields[inclusion.PackageMatchField] ?? []).some((value) =>
        matches(value, inclusion.RequestMatch.KeyWord, inclusion.RequestMatch.MatchType),
      ),
    );
  // Market filters narrow installers in manifests, not search hits: a product the market does
  // not offer still appears, and its manifest then has no installer for that market.
  const filters = (request.Filters ?? []).filter((f) => f.PackageMatchField !== 'Market');
  const filtered = filters.every((filter) =>
    (fields[filter.PackageMatchField] ?? []).some((value) =>
      matches(value, filter.RequestMatch.KeyWord, filter.RequestMatch.MatchType),
    ),
  );
  return (query ? queryMatches : true) && included && filtered;
}

function matches(value: string, keyword: string, matchType: string): boolean {
  const v = value.toLowerCase();
  const k = keyword.toLowerCase();
  switch (matchType.toLowerCase()) {
    case 'exact':
      return value === keyword;
    case 'caseinsensitive':
      return v === k;
    case 'startswith':
      return v.startsWith(k);
    default:
      return v.includes(k);
  }
}

function allows(installer: Installer, market: string): boolean {
  const allowed = installer.Markets?.AllowedMarkets;
  if (allowed && allowed.length > 0 && !allowed.includes(market)) return false;
  return !installer.Markets?.ExcludedMarkets?.includes(market);
}

function loadEntries(catalogDir: string, sharedDir: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const add = (text: string, wrapped: boolean) => {
    const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
    const manifest = (wrapped ? parsed.Data : parsed) as PackageManifest;
    const served = wrapped ? text : `${JSON.stringify({ Data: parsed }, null, 2)}\n`;
    const envelope = wrapped ? parsed : {};
    const id = manifest.PackageIdentifier.toUpperCase();
    entries.set(id, { id, text: served, manifest, envelope });
  };
  const ownDir = catalogDir + 'packageManifests/';
  for (const file of readdirSync(ownDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    add(readFileSync(ownDir + file, 'utf8'), true);
  }
  if (existsSync(sharedDir)) {
    for (const file of readdirSync(sharedDir).filter((f) => f.endsWith('.packageManifest.json'))) {
      add(readFileSync(sharedDir + file, 'utf8'), false);
    }
  }
  return entries;
}

async function readBody(request: IncomingMessage): Promise<ManifestSearchRequest | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    const text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return JSON.parse(text) as ManifestSearchRequest;
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, status: number, body: unknown) {
  sendRaw(response, status, Buffer.from(JSON.stringify(body, null, 4)));
}

function sendRaw(response: ServerResponse, status: number, body: Buffer) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  response.end(body);
}
