import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { badRequest, conflict, notFound } from '../../errors.js';
import { devicesReachedByPolicy } from '../../service/device-policies.js';
import type { PolicyChange, PolicyEvents } from '../../service/policy-events.js';
import { StorageRestrictionSettingsSchema } from '../../service/policy-model.js';
import { isUniqueViolation } from '../../storage/kysely/executor.js';
import type { Storage } from '../../storage/storage.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';
import { policyApplicabilityRoutes } from './policy-applicability-routes.js';

const PolicyBody = Type.Object(
  {
    kind: Type.Literal('storage-restriction'),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    settings: StorageRestrictionSettingsSchema,
  },
  { additionalProperties: false },
);
const PolicyPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    settings: Type.Optional(StorageRestrictionSettingsSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
const AssignBody = Type.Object(
  {
    subjectKind: Type.Union([Type.Literal('device'), Type.Literal('group')]),
    subjectIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: 10_000,
    }),
  },
  { additionalProperties: false },
);
const AssignmentParams = Type.Object({ id: Type.String(), assignmentId: Type.String() });

async function withNameCheck<T>(work: () => Promise<T>, name: string | undefined): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a policy named ${String(name)} already exists`);
    throw error;
  }
}

async function requireSubjects(s: Storage, kind: 'device' | 'group', ids: string[]) {
  const missing =
    kind === 'device'
      ? await s.missingDevices(ids)
      : (await Promise.all(ids.map(async (id) => ((await s.getGroup(id)) ? null : id)))).filter(
          (id): id is string => id !== null,
        );
  if (missing.length > 0) {
    throw badRequest(
      `${missing.length} ${kind}(s) do not exist`,
      missing.slice(0, 20).map((id) => ({ path: '/subjectIds', message: `unknown ${kind} ${id}` })),
    );
  }
}

/** Tells the channels, after the commit; a failing listener is logged, never answered. */
async function announce(events: PolicyEvents, log: FastifyBaseLogger, event: PolicyChange) {
  if (event.deviceIds.length === 0) return;
  const errors = await events.emit(event);
  for (const error of errors) {
    log.error(
      { err: error, policyId: event.policyId, change: event.change },
      'policy listener failed',
    );
  }
}

const difference = (a: string[], b: string[]) => {
  const exclude = new Set(b);
  return a.filter((id) => !exclude.has(id));
};

/**
 * Policies (one kind, `storage-restriction`), their assignments to devices and groups, and per
 * device whether each applies. Every change is audited in its own transaction and then
 * announced through `policyEvents` so the delivery channels can act.
 */
export function policyRoutes(app: FastifyInstance, context: AppContext) {
  const { storage, policyEvents } = context;

  app.get('/api/v1/policies', { schema: { tags: ['policies'] } }, async () => ({
    items: await storage.listPolicies(),
  }));

  app.post<{ Body: typeof PolicyBody.static }>(
    '/api/v1/policies',
    { schema: { tags: ['policies'], body: PolicyBody } },
    async (request, reply) => {
      const admin = adminOf(request);
      const policy = await withNameCheck(
        () =>
          storage.transaction(async (s) => {
            const created = await s.createPolicy(request.body);
            await s.recordAudit({
              actor: admin.username,
              action: 'policy.create',
              entityType: 'policy',
              entityId: created.id,
              before: null,
              after: created,
            });
            return created;
          }),
        request.body.name,
      );
      return reply.status(201).send(policy);
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/policies/:id',
    { schema: { tags: ['policies'], params: IdParams } },
    async (request) => {
      const policy = await storage.getPolicy(request.params.id);
      if (!policy) throw notFound('policy', request.params.id);
      const assignments = await storage.listAssignments({
        targetKind: 'policy',
        targetId: policy.id,
      });
      return { ...policy, assignments };
    },
  );

  app.patch<{ Params: typeof IdParams.static; Body: typeof PolicyPatch.static }>(
    '/api/v1/policies/:id',
    { schema: { tags: ['policies'], params: IdParams, body: PolicyPatch } },
    async (request) => {
      const admin = adminOf(request);
      const after = await withNameCheck(
        () =>
          storage.transaction(async (s) => {
            const before = await s.getPolicy(request.params.id);
            if (!before) throw notFound('policy', request.params.id);
            const updated = await s.updatePolicy(before.id, request.body);
            await s.recordAudit({
              actor: admin.username,
              action: 'policy.update',
              entityType: 'policy',
              entityId: before.id,
              before,
              after: updated,
            });
            return updated!;
          }),
        request.body.name,
      );
      await announce(policyEvents, request.log, {
        policyId: after.id,
        deviceIds: await devicesReachedByPolicy(storage, after.id),
        change: 'updated',
      });
      return after;
    },
  );

  app.delete<{ Params: typeof IdParams.static }>(
    '/api/v1/policies/:id',
    { schema: { tags: ['policies'], params: IdParams } },
    async (request, reply) => {
      const admin = adminOf(request);
      const reached = await storage.transaction(async (s) => {
        const before = await s.getPolicy(request.params.id);
        if (!before) throw notFound('policy', request.params.id);
        const devices = await devicesReachedByPolicy(s, before.id);
        await s.deletePolicy(before.id);
        await s.recordAudit({
          actor: admin.username,
          action: 'policy.delete',
          entityType: 'policy',
          entityId: before.id,
          before,
          after: null,
        });
        return devices;
      });
      await announce(policyEvents, request.log, {
        policyId: request.params.id,
        deviceIds: reached,
        change: 'unassigned',
      });
      return reply.status(204).send();
    },
  );

  app.get<{ Params: typeof IdParams.static }>(
    '/api/v1/policies/:id/assignments',
    { schema: { tags: ['policies'], params: IdParams } },
    async (request) => {
      if (!(await storage.getPolicy(request.params.id))) {
        throw notFound('policy', request.params.id);
      }
      return {
        items: await storage.listAssignments({ targetKind: 'policy', targetId: request.params.id }),
      };
    },
  );

  app.post<{ Params: typeof IdParams.static; Body: typeof AssignBody.static }>(
    '/api/v1/policies/:id/assignments',
    { schema: { tags: ['policies'], params: IdParams, body: AssignBody } },
    async (request, reply) => {
      const admin = adminOf(request);
      const { subjectKind } = request.body;
      const subjectIds = [...new Set(request.body.subjectIds)];
      const result = await storage.transaction(async (s) => {
        const policy = await s.getPolicy(request.params.id);
        if (!policy) throw notFound('policy', request.params.id);
        await requireSubjects(s, subjectKind, subjectIds);
        const before = await devicesReachedByPolicy(s, policy.id);
        const items = [];
        for (const subjectId of subjectIds) {
          items.push(
            await s.assign({ targetKind: 'policy', targetId: policy.id, subjectKind, subjectId }),
          );
        }
        await s.recordAudit({
          actor: admin.username,
          action: 'policy.assign',
          entityType: 'policy',
          entityId: policy.id,
          before: null,
          after: { subjectKind, subjectIds },
        });
        const after = await devicesReachedByPolicy(s, policy.id);
        return { items, added: difference(after, before) };
      });
      await announce(policyEvents, request.log, {
        policyId: request.params.id,
        deviceIds: result.added,
        change: 'assigned',
      });
      return reply.status(201).send({ items: result.items });
    },
  );

  app.delete<{ Params: typeof AssignmentParams.static }>(
    '/api/v1/policies/:id/assignments/:assignmentId',
    { schema: { tags: ['policies'], params: AssignmentParams } },
    async (request, reply) => {
      const admin = adminOf(request);
      const { id, assignmentId } = request.params;
      const removed = await storage.transaction(async (s) => {
        const assignment = await s.getAssignment(assignmentId);
        if (!assignment || assignment.targetKind !== 'policy' || assignment.targetId !== id) {
          throw notFound('policy assignment', `${id}/${assignmentId}`);
        }
        const before = await devicesReachedByPolicy(s, id);
        await s.unassign(assignmentId);
        await s.recordAudit({
          actor: admin.username,
          action: 'policy.unassign',
          entityType: 'policy',
          entityId: id,
          before: assignment,
          after: null,
        });
        return difference(before, await devicesReachedByPolicy(s, id));
      });
      await announce(policyEvents, request.log, {
        policyId: id,
        deviceIds: removed,
        change: 'unassigned',
      });
      return reply.status(204).send();
    },
  );

  policyApplicabilityRoutes(app, context);
}
