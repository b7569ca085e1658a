import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound, rateLimited } from '../../errors.js';
import { changePassword, createApiToken, login } from '../../service/admin-accounts.js';
import { LoginThrottle } from '../../service/login-throttle.js';
import { hashToken } from '../../service/tokens.js';
import { adminOf, bearerToken } from '../authentication.js';
import type { AppContext } from '../context.js';
import { IdParams } from '../schemas.js';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);

const PasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1000 }),
    newPassword: Type.String({ minLength: 12, maxLength: 1000 }),
  },
  { additionalProperties: false },
);

const NewTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    expiresAt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** Sign-in, the signed-in admin, and long-lived API tokens. */
export function authRoutes(app: FastifyInstance, { storage, config }: AppContext) {
  const throttle = new LoginThrottle({ failuresPerMinute: config.loginFailuresPerMinute });

  app.post<{ Body: typeof LoginBody.static }>(
    '/api/v1/auth/login',
    { config: { public: true }, schema: { tags: ['auth'], body: LoginBody } },
    async (request, reply) => {
      const { username, password } = request.body;
      const retryAfter = throttle.begin(username, request.ip);
      if (retryAfter > 0) {
        void reply.header('retry-after', String(retryAfter));
        throw rateLimited(retryAfter);
      }
      const session = await login(storage, username, password);
      throttle.succeeded(username, request.ip);
      request.log.info({ user: session.user.username }, 'admin signed in');
      return { token: session.token, expiresAt: session.expiresAt, user: session.user };
    },
  );

  app.get('/api/v1/auth/me', { schema: { tags: ['auth'] } }, async (request) => ({
    user: adminOf(request),
  }));

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'] } }, async (request, reply) => {
    const found = await storage.findLiveApiToken(hashToken(bearerToken(request) ?? ''), Date.now());
    if (found) await storage.revokeApiToken(found.id, found.userId, Date.now());
    return reply.status(204).send();
  });

  app.post<{ Body: typeof PasswordBody.static }>(
    '/api/v1/auth/password',
    { schema: { tags: ['auth'], body: PasswordBody } },
    async (request, reply) => {
      const admin = adminOf(request);
      const { currentPassword, newPassword } = request.body;
      await storage.transaction(async (s) => {
        const token = bearerToken(request);
        await changePassword(s, {
          username: admin.username,
          currentPassword,
          newPassword,
          currentTokenHash: token === undefined ? undefined : hashToken(token),
        });
        await s.recordAudit({
          actor: admin.username,
          action: 'user.password.change',
          entityType: 'user',
          entityId: admin.id,
          before: null,
          after: null,
        });
      });
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/api-tokens', { schema: { tags: ['auth'] } }, async (request) => ({
    items: await storage.listApiTokens(adminOf(request).id),
  }));

  app.post<{ Body: typeof NewTokenBody.static }>(
    '/api/v1/api-tokens',
    { schema: { tags: ['auth'], body: NewTokenBody } },
    async (request, reply) => {
      const admin = adminOf(request);
      const { name, expiresAt } = request.body;
      const created = await storage.transaction(async (s) => {
        const result = await createApiToken(s, admin, name, expiresAt ?? null);
        await s.recordAudit({
          actor: admin.username,
          action: 'api-token.create',
          entityType: 'api-token',
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
    '/api/v1/api-tokens/:id',
    { schema: { tags: ['auth'], params: IdParams } },
    async (request, reply) => {
      const admin = adminOf(request);
      await storage.transaction(async (s) => {
        if (!(await s.revokeApiToken(request.params.id, admin.id, Date.now()))) {
          throw notFound('API token', request.params.id);
        }
        await s.recordAudit({
          actor: admin.username,
          action: 'api-token.revoke',
          entityType: 'api-token',
          entityId: request.params.id,
          before: null,
          after: null,
        });
      });
      return reply.status(204).send();
    },
  );
}
