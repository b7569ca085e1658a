import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFixture } from '../helpers/fixtures.js';

/*
 * A local stand-in for the Chocolatey community repository, speaking the NuGet v2 OData protocol
 * from the recorded responses in shared/fixtures/chocolatey. Its host name is written over the
 * recorded one (a real server names itself in its links); an entry's PackageHash and PackageSize
 * are rewritten only for a version the test gave `.nupkg` bytes for, so the hash checks are real.
 */

const RECORDED_BASE = 'https://www.nuget.org/api/v2';
const FEEDS_BY_ID: Record<string, string> = {
  xunit: 'nuget-v2-FindPackagesById-xunit.xml',
  'windowsazure.servicebus': 'nuget-v2-FindPackagesById-page1.xml',
};
const EMPTY_FEED = 'nuget-v2-FindPackagesById-notfound.xml';
const FEED_OPEN = /^[\s\S]*?<feed[^>]*>/;

export interface FakeRepositoryOptions {
  /** Answer 429 to every request after this many, until `retryAfterSeconds` have passed. */
  throttleAfter?: number;
  retryAfterSeconds?: number;
  /** Basic credentials the repository insists on (an internal repository). */
  credentials?: { username: string; password: string };
}

export interface FakeNugetRepository {
  /** The feed root, like https://community.chocolatey.org/api/v2. */
  url: string;
  /** Requests answered, by kind; `throttled` counts the 429s. */
  counts: { metadata: number; download: number; throttled: number; unauthorised: number };
  /** Every request path in order, for assertions on paging. */
  paths: string[];
  /** Makes the repository hold `bytes` as the `.nupkg` of that version. */
  addPackageFile(
    id: string,
    version: string,
    bytes: Buffer,
    options?: { keepHash?: boolean },
  ): void;
  close(): Promise<void>;
}

const odataArg = (search: URLSearchParams, name: string) =>
  (search.get(name) ?? '').replace(/^'|'$/g, '').replace(/''/g, "'");

export async function startFakeNugetRepository(
  options: FakeRepositoryOptions = {},
): Promise<FakeNugetRepository> {
  const files = new Map<string, { bytes: Buffer; keepHash: boolean }>();
  const counts = { metadata: 0, download: 0, throttled: 0, unauthorised: 0 };
  const paths: string[] = [];
  let answered = 0;
  let throttledUntil = 0;
  let base = '';

  const patch = (xml: string) => {
    let text = xml.split(RECORDED_BASE).join(base);
    for (const [key, file] of files) {
      if (file.keepHash) continue;
      const [id, version] = key.split('/') as [string, string];
      const hash = createHash('sha512').update(file.bytes).digest('base64');
      text = text.replace(entryPattern(id, version), (entry) =>
        entry
          .replace(/<d:PackageHash>[^<]*</, `<d:PackageHash>${hash}<`)
          .replace(/(<d:PackageSize[^>]*>)\d+</, `$1${file.bytes.length}<`),
      );
    }
    return text;
  };

  const feedFor = (id: string, skip: string | null) => {
    const file = FEEDS_BY_ID[id.toLowerCase()];
    return patch(readFixture('chocolatey', file && !skip ? file : EMPTY_FEED));
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', base);
    paths.push(url.pathname + url.search);
    if (options.credentials && !authorised(request, options.credentials)) {
      counts.unauthorised++;
      response.writeHead(401, { 'www-authenticate': 'Basic realm="repository"' }).end();
      return;
    }
    answered++;
    if (options.throttleAfter !== undefined && answered > options.throttleAfter) {
      if (throttledUntil === 0)
        throttledUntil = Date.now() + (options.retryAfterSeconds ?? 1) * 1000;
      if (Date.now() < throttledUntil) {
        counts.throttled++;
        const seconds = Math.max(1, Math.ceil((throttledUntil - Date.now()) / 1000));
        response.writeHead(429, { 'retry-after': String(seconds) }).end();
        return;
      }
    }
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v2/, ''));
    const download = /^\/package\/([^/]+)\/([^/]+)$/.exec(path);
    if (download) {
      counts.download++;
      const file = files.get(`${download[1]!.toLowerCase()}/${download[2]!.toLowerCase()}`);
      if (!file) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/zip' }).end(file.bytes);
      return;
    }
    counts.metadata++;
    const atom = { 'content-type': 'application/atom+xml;type=feed;charset=utf-8' };
    if (path === '/FindPackagesById()') {
      const body = feedFor(odataArg(url.searchParams, 'id'), url.searchParams.get('$skip'));
      return void response.writeHead(200, atom).end(body);
    }
    if (path === '/Search()') {
      return void response
        .writeHead(200, atom)
        .end(patch(readFixture('chocolatey', 'nuget-v2-Search-nugetexe.xml')));
    }
    const single = /^\/Packages\(Id='([^']+)',Version='([^']+)'\)$/.exec(path);
    if (single) {
      const entry = findEntry(feedFor(single[1]!, null), single[1]!, single[2]!);
      if (!entry) return void response.writeHead(404).end();
      return void response.writeHead(200, atom).end(entry);
    }
    if (path === '/' || path === '') {
      return void response
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(readFixture('chocolatey', 'nuget-v2-service-document.xml'));
    }
    response.writeHead(404).end();
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2`;
  return {
    url: base,
    counts,
    paths,
    addPackageFile(id, version, bytes, fileOptions = {}) {
      files.set(`${id.toLowerCase()}/${version.toLowerCase()}`, {
        bytes,
        keepHash: fileOptions.keepHash ?? false,
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function entryPattern(id: string, version: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `<entry>(?:(?!</entry>)[\\s\\S])*?<d:Id>${escape(id)}</d:Id>\\s*` +
      `<d:Version>${escape(version)}</d:Version>[\\s\\S]*?</entry>`,
    'i',
  );
}

/** The recorded entry of one version, as the single-entry document `Packages(…)` answers. */
function findEntry(feed: string, id: string, version: string): string | undefined {
  const entry = entryPattern(id, version).exec(feed)?.[0];
  const open = FEED_OPEN.exec(feed)?.[0];
  if (!entry || !open) return undefined;
  const attributes = open.slice(open.indexOf('<feed') + 5, -1);
  return `<?xml version="1.0" encoding="utf-8"?><entry${attributes}>${entry.slice(7)}`;
}

function authorised(request: IncomingMessage, expected: { username: string; password: string }) {
  const header = request.headers.authorization ?? '';
  const pair = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
  return pair === `${expected.username}:${expected.password}`;
}
