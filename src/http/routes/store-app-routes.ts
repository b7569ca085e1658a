import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { APP_CONTEXTS, APP_INTENTS } from '../../catalog/msstore/store-app.js';
import { notFound } from '../../errors.js';
import {
  acceptStoreTerms,
  addStoreApp,
  assignStoreApp,
  readStoreTerms,
  reconcileAppDevices,
  reconcileDeviceApps,
} from '../../service/app-deployments.js';
import { readSettings } from '../../service/organisation-settings.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

const Market = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166 country code' });
const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' }),
    market: Type.Optional(Market),
  },
  { additionalProperties: false },
);
const AddBody = Type.Object(
  {
    reference: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'a Store ID (9WZDNCRFJ3PZ, XPDP273C0XHQH2) or a Store URL',
    }),
    market: Type.Optional(Market),
  },
  { additionalProperties: false },
);
const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));
const AssignBody = Type.Object(
  {
    subjectKind: literals(['device', 'group'] as const),
    subjectId: Type.String({ minLength: 1, maxLength: 200 }),
    context: literals(APP_CONTEXTS),
    intent: literals(APP_INTENTS),
  },
  { additionalProperties: false },
);
const AssignmentParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  assignmentId: Type.String({ minLength: 1, maxLength: 200 }),
});

/**
 * Microsoft Store apps: search the Store, add an app by ID or Store URL, assign it, and read
 * each device's state. Every change is audited.
 */
export function storeAppRoutes(
  app: FastifyInstance,
  { storage, storeCatalog, appDelivery }: AppContext,
) {
  const tags = ['store apps'];
  const marketOf = async (market: string | undefined) =>
    market ?? (await readSettings(storage)).storeMarket;

  app.get<{ Querystring: typeof SearchQuery.static }>(
    '/api/v1/store/search',
    { schema: { tags, querystring: SearchQuery } },
    async (request) => storeCatalog.search(request.query.q, await marketOf(request.query.market)),
  );

  app.get('/api/v1/store/apps', { schema: { tags } }, async () => ({
    items: await storage.listStoreApps(),
  }));

  app.post<{ Body: typeof AddBody.static }>(
    '/api/v1/store/apps',
    { schema: { tags, body: AddBody } },
    async (request, reply) => {
      const added = await addStoreApp(storage, storeCatalog, {
        reference: request.body.reference,
        market: await marketOf(request.body.market),
        actor: adminOf(request).username,
      });
      return reply.status(201).send(added);
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/store/apps/:id',
    { schema: { tags, params: IdParams } },
    async (request) => {
      const found = await storage.getStoreApp(request.params.id);
      if (!found) throw notFound('store app', request.params.id);
      const assignments = await storage.listAssignments({ targetKind: 'app', targetId: found.id });
      return { ...found, assignments };
    },
  );

  app.delete<{ Params: typeof IdParams.static }>(
    '/api/v1/store/apps/:id',
    { schema: { tags, params: IdParams } },
    async (request, reply) => {
      const actor = adminOf(request).username;
      await storage.transaction(async (s) => {
        const before = await s.getStoreApp(request.params.id);
        if (!before) throw notFound('store app', request.params.id);
        for (const a of await s.listAssignments({ targetKind: 'app', targetId: before.id })) {
          await s.unassign(a.id);
        }
        await s.deleteStoreApp(before.id);
        await s.recordAudit({
          actor,
          action: 'store-app.delete',
          entityType: 'store-app',
          entityId: before.id,
          before,
          after: null,
        });
      });
      return reply.status(204).send();
    },
  );

  app.post<{ Params: typeof IdParams.static; Body: typeof AssignBody.static }>(
    '/api/v1/store/apps/:id/assignments',
    { schema: { tags, params: IdParams, body: AssignBody } },
    async (request, reply) => {
      const found = await storage.getStoreApp(request.params.id);
      if (!found) throw notFound('store app', request.params.id);
      const result = await assignStoreApp(storage, {
        app: found,
        ...request.body,
        actor: adminOf(request).username,
      });
      await appDelivery.dispatch();
      return reply.status(201).send(result);
    },
  );

  app.delete<{ Params: typeof AssignmentParams.static }>(
    '/api/v1/store/apps/:id/assignments/:assignmentId',
    { schema: { tags, params: AssignmentParams } },
    async (request, reply) => {
      const actor = adminOf(request).username;
      const { id, assignmentId } = request.params;
      await storage.transaction(async (s) => {
        const before = await s.getAssignment(assignmentId);
        if (!before || before.targetKind !== 'app' || before.targetId !== id) {
          throw notFound('assignment', assignmentId);
        }
        await s.unassign(assignmentId);
        await s.deleteDeviceAppStates(id, assignmentId);
        await s.recordAudit({
          actor,
          action: 'store-app.unassign',
          entityType: 'store-app',
          entityId: id,
          before,
          after: null,
        });
      });
      return reply.status(204).send();
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/store/apps/:id/devices',
    { schema: { tags, params: IdParams } },
    async (request) => {
      if (!(await storage.getStoreApp(request.params.id))) {
        throw notFound('store app', request.params.id);
      }
      await reconcileAppDevices(storage, request.params.id);
      return { items: await storage.listDeviceAppStates({ appId: request.params.id }) };
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/store/devices/:id/apps',
    { schema: { tags, params: IdParams } },
    async (request) => {
      if (!(await storage.getDevice(request.params.id))) {
        throw notFound('device', request.params.id);
      }
      await reconcileDeviceApps(storage, request.params.id);
      return { items: await storage.listDeviceAppStates({ deviceId: request.params.id }) };
    },
  );

  app.get('/api/v1/store/terms', { schema: { tags } }, async () => readStoreTerms(storage));

  app.post('/api/v1/store/terms/accept', { schema: { tags } }, async (request) => {
    const terms = await acceptStoreTerms(storage, adminOf(request).username);
    await appDelivery.dispatch();
    return terms;
  });
}
