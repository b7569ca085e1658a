import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { User } from '../domain.js';
import { unauthenticated } from '../errors.js';
import { authenticateToken } from '../service/admin-accounts.js';
import type { Storage } from '../storage/storage.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in admin; set on every authenticated `/api/` request. */
    admin?: User;
  }
  interface FastifyContextConfig {
    /** Marks one of the few `/api/` routes that answer without credentials. */
    public?: boolean;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The path a request is about: the matched route's pattern, or for a path no route matches, the
 * path percent-decoded as the router would decode it. Never the raw URL: `/%61pi/v1/devices`
 * reaches the `/api/v1/devices` route.
 */
function routedPath(request: FastifyRequest): string {
  if (request.routeOptions.url) return request.routeOptions.url;
  const raw = request.url.split('?')[0]!;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Every `/api/` request is refused without a live token unless its route is marked public. The
 * decision looks at the path itself too, so an unknown `/api/` path is a 401, not a 404 that
 * would tell a stranger which routes exist.
 */
export function registerAuthentication(app: FastifyInstance, storage: Storage) {
  app.addHook('onRequest', async (request) => {
    if (!routedPath(request).startsWith('/api/')) return;
    if (request.routeOptions.config?.public && request.routeOptions.url) return;
    const token = bearerToken(request);
    if (!token) throw unauthenticated();
    const found = await authenticateToken(storage, token);
    if (!found) throw unauthenticated('the token is unknown, expired or revoked');
    request.admin = found.user;
  });
}

/** The admin behind an authenticated request; route handlers call it for audit entries. */
export function adminOf(request: FastifyRequest): User {
  if (!request.admin) throw unauthenticated();
  return request.admin;
}
