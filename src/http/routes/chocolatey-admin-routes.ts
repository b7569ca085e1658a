import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  addCataloguePackage,
  assignCataloguePackage,
  describePackage,
  packageInstallStates,
} from '../../catalog/chocolatey/chocolatey-catalogue.js';
import {
  FEED_PATH,
  dispatchChocoInstalls,
  feedUrlOf,
} from '../../catalog/chocolatey/choco-deployment.js';
import { LatchError, notFound } from '../../errors.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

const TAGS = ['chocolatey'];
/** Chocolatey is supported in maintenance mode; the API documentation says so on every route. */
const MAINTENANCE = 'Chocolatey (maintenance mode): ';
const PackageId = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$',
});

const SearchQuery = Type.Object(
  {
    q: Type.String({ maxLength: 200 }),
    skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    prerelease: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const AddBody = Type.Object(
  {
    packageId: PackageId,
    version: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^\\d+(\\.\\d+){0,3}(-[0-9A-Za-z.-]+)?$',
      }),
    ),
  },
  { additionalProperties: false },
);
const AssignBody = Type.Object(
  {
    subjectKind: Type.Union([Type.Literal('device'), Type.Literal('group')]),
    subjectId: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
const UpstreamBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 500, pattern: '^https?://' }),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

/**
 * Chocolatey in maintenance mode: search the upstream repository, add package versions to the
 * catalogue, assign them, read each device's state, and see and set the upstream repository.
 */
export function chocolateyAdminRoutes(app: FastifyInstance, context: AppContext) {
  const { storage, chocolatey, config, agentChannel } = context;

  app.get<{ Querystring: typeof SearchQuery.static }>(
    '/api/v1/chocolatey/search',
    {
      schema: {
        tags: TAGS,
        summary: `${MAINTENANCE}search the package repository`,
        querystring: SearchQuery,
      },
    },
    async (request) => {
      const { q, skip = 0, top = 30, prerelease = false } = request.query;
      const answer = await chocolatey.search(q, { skip, top, includePrerelease: prerelease });
      return {
        stale: answer.stale,
        fetchedAt: answer.fetchedAt,
        items: answer.packages.map((p) => ({
          packageId: p.id,
          version: p.version,
          title: p.title,
          summary: p.summary,
          authors: p.authors,
          isPrerelease: p.isPrerelease,
          iconUrl: p.properties.find((x) => x.name === 'IconUrl')?.value ?? null,
        })),
      };
    },
  );

  app.get(
    '/api/v1/chocolatey/packages',
    { schema: { tags: TAGS, summary: `${MAINTENANCE}list the catalogue` } },
    async () => ({
      feedUrl: `${config.publicUrl}${FEED_PATH}`,
      items: await Promise.all(
        (await storage.listChocoPackages()).map((p) => describePackage(storage, p)),
      ),
    }),
  );

  app.post<{ Body: typeof AddBody.static }>(
    '/api/v1/chocolatey/packages',
    {
      schema: {
        tags: TAGS,
        summary: `${MAINTENANCE}add a package version to the catalogue`,
        body: AddBody,
      },
    },
    async (request, reply) => {
      const added = await addCataloguePackage(context, adminOf(request), request.body, (error) =>
        request.log.warn({ err: error }, 'package prefetch failed'),
      );
      return reply.status(201).send(added);
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/chocolatey/packages/:id',
    { schema: { tags: TAGS, summary: `${MAINTENANCE}one catalogue package`, params: IdParams } },
    async (request) => {
      const pkg = await storage.getChocoPackage(request.params.id);
      if (!pkg) throw notFound('chocolatey package', request.params.id);
      return describePackage(storage, pkg);
    },
  );

  app.post<{ Params: typeof IdParams.static; Body: typeof AssignBody.static }>(
    '/api/v1/chocolatey/packages/:id/assignments',
    {
      schema: {
        tags: TAGS,
        summary: `${MAINTENANCE}assign a package to a device or group`,
        params: IdParams,
        body: AssignBody,
      },
    },
    async (request, reply) => {
      const result = await assignCataloguePackage(
        storage,
        adminOf(request),
        request.params.id,
        request.body,
      );
      const tasksQueued = await dispatchChocoInstalls(
        storage,
        agentChannel.tasks,
        feedUrlOf(config.publicUrl),
        { packageRef: request.params.id },
      );
      return reply.status(201).send({ ...result, tasksQueued });
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/chocolatey/packages/:id/devices',
    {
      schema: {
        tags: TAGS,
        summary: `${MAINTENANCE}each device's install state`,
        params: IdParams,
      },
    },
    async (request) => {
      if (!(await storage.getChocoPackage(request.params.id))) {
        throw notFound('chocolatey package', request.params.id);
      }
      return { items: await packageInstallStates(storage, request.params.id) };
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/devices/:id/chocolatey',
    {
      schema: {
        tags: TAGS,
        summary: `${MAINTENANCE}a device's packages and their states`,
        params: IdParams,
      },
    },
    async (request) => {
      if (!(await storage.getDevice(request.params.id))) {
        throw notFound('device', request.params.id);
      }
      return { items: await storage.listInstalls({ deviceId: request.params.id }) };
    },
  );

  app.get(
    '/api/v1/chocolatey/upstream',
    { schema: { tags: TAGS, summary: `${MAINTENANCE}the upstream repository and its health` } },
    async () => {
      const stored = await storage.getUpstreamSettings();
      return {
        ...(await chocolatey.upstreamStatus()),
        hasPassword: stored.passwordSealed !== null,
      };
    },
  );

  app.put<{ Body: typeof UpstreamBody.static }>(
    '/api/v1/chocolatey/upstream',
    {
      schema: {
        tags: TAGS,
        summary: `${MAINTENANCE}set the upstream repository and its credentials`,
        body: UpstreamBody,
      },
    },
    async (request) => {
      const admin = adminOf(request);
      const { url, username = null, password = null } = request.body;
      refuseCredentialsInUrl(url);
      const before = await chocolatey.upstreamStatus();
      await storage.transaction(async (s) => {
        await chocolatey.setUpstream({ url, username, password }, s);
        await s.recordAudit({
          actor: admin.username,
          action: 'chocolatey.upstream.update',
          entityType: 'chocolatey_upstream',
          entityId: null,
          before: { url: before.url, username: before.username },
          // The password itself is never written to the audit log.
          after: { url, username, hasPassword: password !== null },
        });
      });
      return { ...(await chocolatey.upstreamStatus()), hasPassword: password !== null };
    },
  );
}

/**
 * Credentials go in `username`/`password`, where the password is sealed; a URL carrying them
 * would be shown, audited and logged in clear (and fetch refuses such URLs anyway).
 */
function refuseCredentialsInUrl(text: string) {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LatchError('invalid_request', 400, 'the upstream url is not a URL');
  }
  if (url.username || url.password) {
    throw new LatchError(
      'credentials_in_url',
      400,
      'put the upstream credentials in username and password, not in the url',
    );
  }
}
