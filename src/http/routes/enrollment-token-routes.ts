import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../../errors.js';
import { createEnrollmentToken } from '../../service/enrollment-tokens.js';
import { adminOf } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The furthest expiry an enrolment token may have: a longer-lived secret is one nobody rotates. */
const MAX_LIFETIME_MS = 10 * 366 * DAY_MS;

const NewEnrollmentToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    expiresAt: Type.Optional(Type.Integer({ minimum: 0 })),
    maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
  },
  { additionalProperties: false },
);

/** Enrolment tokens, accepted by the Apple, Windows and agent enrolments alike. */
export function enrollmentTokenRoutes(app: FastifyInstance, { storage }: AppContext) {
  app.get('/api/v1/enrollment-tokens', { schema: { tags: ['enrolment'] } }, async () => ({
    items: await storage.listEnrollmentTokens(),
  }));

  app.post<{ Body: typeof NewEnrollmentToken.static }>(
    '/api/v1/enrollment-tokens',
    { schema: { tags: ['enrolment'], body: NewEnrollmentToken } },
    async (request, reply) => {
      const admin = adminOf(request);
      const now = Date.now();
      const expiresAt = request.body.expiresAt ?? now + 7 * DAY_MS;
      if (expiresAt <= now) throw badRequest('expiresAt is in the past');
      if (expiresAt > now + MAX_LIFETIME_MS) {
        const message = 'is more than 10 years away';
        throw badRequest(`expiresAt ${message}`, [{ path: '/expiresAt', message }]);
      }
      const created = await storage.transaction(async (s) => {
        const result = await createEnrollmentToken(s, {
          name: request.body.name,
          expiresAt,
          maxUses: request.body.maxUses ?? 1,
          createdBy: admin.username,
        });
        await s.recordAudit({
          actor: admin.username,
          action: 'enrollment-token.create',
          entityType: 'enrollment-token',
          entityId: result.record.id,
          before: null,
          after: result.record,
        });
        return result;
      });
      return reply.status(201).send({ ...created.record, token: created.token });
    },
  );

  app.delete<{ Params: typeof IdParams.static }>(
    '/api/v1/enrollment-tokens/:id',
    { schema: { tags: ['enrolment'], params: IdParams } },
    async (request, reply) => {
      const admin = adminOf(request);
      await storage.transaction(async (s) => {
        const revoked = await s.revokeEnrollmentToken(request.params.id, Date.now());
        if (!revoked) throw notFound('live enrolment token', request.params.id);
        await s.recordAudit({
          actor: admin.username,
          action: 'enrollment-token.revoke',
          entityType: 'enrollment-token',
          entityId: revoked.id,
          before: null,
          after: revoked,
        });
      });
      return reply.status(204).send();
    },
  );
}
