import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticateFeedDevice,
  rememberedChecks,
} from '../../catalog/chocolatey/feed-authentication.js';
import {
  writeNugetEntry,
  writeNugetFeed,
  writeServiceDocument,
} from '../../catalog/chocolatey/nuget-atom-writer.js';
import { NUGET_METADATA_DOCUMENT } from '../../catalog/chocolatey/nuget-metadata-document.js';
import {
  isValidPackageId,
  isValidVersion,
  normalizeNugetVersion,
  packageKey,
} from '../../catalog/chocolatey/nuget-package.js';
import type { NugetPackage } from '../../catalog/chocolatey/nuget-package.js';
import { FEED_PATH } from '../../catalog/chocolatey/choco-deployment.js';
import { LatchError, badRequest, notFound } from '../../errors.js';
import type { AppContext } from '../context.js';

const DEFAULT_PAGE = 100;
const ATOM_FEED = 'application/atom+xml;type=feed;charset=utf-8';
const ATOM_ENTRY = 'application/atom+xml;type=entry;charset=utf-8';

/** An OData string literal from a query (`'xunit'`), unquoted; undefined when absent. */
function odataString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^'(.*)'$/s.exec(value);
  return (match ? match[1]! : value).replace(/''/g, "'");
}

function pageOf(query: Record<string, unknown>) {
  const skip = Number(query.$skip ?? 0);
  const top = Number(query.$top ?? DEFAULT_PAGE);
  if (!Number.isInteger(skip) || skip < 0 || !Number.isInteger(top) || top < 0) {
    throw badRequest('$skip and $top must be non-negative integers');
  }
  return { skip, top: Math.min(top, DEFAULT_PAGE) };
}

function requirePackage(id: string | undefined, version?: string): string {
  if (!id || !isValidPackageId(id)) throw badRequest('not a package id');
  if (version !== undefined && !isValidVersion(version)) throw badRequest('not a version');
  return id;
}

/**
 * Latch's own NuGet v2 OData feed, the only source its agents' `choco` uses: service document,
 * `$metadata`, `Packages(Id,Version)`, `FindPackagesById()`, `Search()` over the admin's catalogue
 * and `.nupkg` downloads. Metadata and files come from the package cache, which asks upstream
 * once per package version. Every request proves a device's credential first.
 */
export function chocolateyFeedRoutes(app: FastifyInstance, context: AppContext) {
  const { chocolatey, storage, config, agentChannel } = context;
  const updated = () => new Date().toISOString();
  const checkSecret = rememberedChecks((secret) => agentChannel.authenticateSecret(secret), 10_000);
  /**
   * The feed's own address for links: always the configured public URL. The request's Host
   * header is the client's to choose, and links built from it would send choco elsewhere.
   */
  const feedBase = () => `${config.publicUrl}${FEED_PATH}`;

  const answerFeed = (
    base: string,
    reply: FastifyReply,
    self: string,
    packages: NugetPackage[],
    page: { skip: number; top: number },
  ) => {
    const slice = packages.slice(page.skip, page.skip + page.top);
    const more = page.skip + page.top < packages.length;
    const separator = self.includes('?') ? '&' : '?';
    const next = more ? `${self}${separator}$skip=${page.skip + page.top}` : null;
    return reply
      .type(ATOM_FEED)
      .send(writeNugetFeed(base, self, slice, { updated: updated(), next }));
  };

  type Handler = (
    request: FastifyRequest,
    reply: FastifyReply,
    match: string[],
    base: string,
  ) => unknown;
  const handlers: [RegExp, Handler][] = [
    [
      /^\/?$/,
      (_q, reply, _m, base) => reply.type('application/xml').send(writeServiceDocument(base)),
    ],
    [/^\$metadata$/, (_q, reply) => reply.type('application/xml').send(NUGET_METADATA_DOCUMENT)],
    [
      /^Packages\(Id='((?:[^']|'')+)',Version='((?:[^']|'')+)'\)$/,
      async (_q, reply, [, id, version], base) => {
        const found = await chocolatey.cache.getVersion(
          requirePackage(id, version),
          version!,
          chocolatey.feedBudget,
        );
        if (!found) throw notFound('package', `${id} ${version}`);
        return reply.type(ATOM_ENTRY).send(writeNugetEntry(base, found.package, updated()));
      },
    ],
    [
      /^FindPackagesById\(\)$/,
      async (request, reply, _m, base) => {
        const query = request.query as Record<string, unknown>;
        const id = requirePackage(odataString(query.id));
        const versions = await chocolatey.cache.listVersions(id, chocolatey.feedBudget);
        const self = `${base}/FindPackagesById()?id='${encodeURIComponent(id)}'`;
        return answerFeed(
          base,
          reply,
          self,
          versions.map((v) => v.package),
          pageOf(query),
        );
      },
    ],
    [
      /^Search\(\)$/,
      async (request, reply, _m, base) => {
        const query = request.query as Record<string, unknown>;
        const term = (odataString(query.searchTerm) ?? '').toLowerCase();
        const catalogue = await storage.listChocoPackages();
        const matching = catalogue.filter(
          (p) =>
            p.packageId.toLowerCase().includes(term) ||
            (p.title ?? '').toLowerCase().includes(term),
        );
        const cached = await Promise.all(
          matching.map((p) =>
            storage.getCachedVersion(packageKey(p.packageId), normalizeNugetVersion(p.version)),
          ),
        );
        const packages = cached.flatMap((c) => (c ? [c.package] : []));
        return answerFeed(base, reply, `${base}/Search()`, packages, pageOf(query));
      },
    ],
    [
      /^package\/([^/]+)\/([^/]+)$/,
      async (_q, reply, [, id, version]) => {
        const file = await chocolatey.cache.getFile(
          requirePackage(id, version),
          version!,
          chocolatey.feedBudget,
        );
        if (!file) throw notFound('package', `${id} ${version}`);
        return reply
          .type('application/zip')
          .header('content-length', file.bytes.length)
          .send(file.bytes);
      },
    ],
  ];

  app.register(async (scope) => {
    scope.setErrorHandler(async (error, request, reply) => {
      if (error instanceof LatchError && error.code === 'unauthenticated') {
        void reply.header('www-authenticate', 'Basic realm="Latch Chocolatey feed"');
      }
      if (error instanceof LatchError && error.code === 'upstream_busy') {
        const health = chocolatey.gate.health();
        const seconds = Math.ceil(((health.pausedUntil ?? Date.now()) - Date.now()) / 1000);
        void reply.header('retry-after', String(Math.max(5, seconds)));
      }
      throw error;
    });

    const serve = async (request: FastifyRequest, reply: FastifyReply) => {
      const deviceId = await authenticateFeedDevice(request, checkSecret);
      request.log = request.log.child({ deviceId });
      const rawPath = request.url.split('?')[0]!.slice(FEED_PATH.length).replace(/^\//, '');
      let path: string;
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        throw badRequest('the path is not valid percent-encoding');
      }
      for (const [pattern, handle] of handlers) {
        const match = pattern.exec(path);
        if (match) {
          const parts = match.map((part) => (part ?? '').replace(/''/g, "'"));
          return handle(request, reply, parts, feedBase());
        }
      }
      throw new LatchError('route_not_found', 404, `the feed has no ${path}`);
    };
    // Device-facing protocol routes: not part of the admin API's OpenAPI document.
    scope.get(FEED_PATH, { schema: { hide: true } }, serve);
    scope.get(`${FEED_PATH}/*`, { schema: { hide: true } }, serve);
  });
}
