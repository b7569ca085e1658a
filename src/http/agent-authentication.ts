import type { FastifyReply, FastifyRequest } from 'fastify';
import { rateLimited, unauthenticated } from '../errors.js';
import type { Config } from '../config.js';
import type { AgentChannel, AgentIdentity } from '../service/agent/agent-channel.js';
import type { RateLimiter } from '../service/rate-limiter.js';
import { bearerToken } from './authentication.js';
import { clientCertificateFingerprint } from './client-certificate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The device an agent request proved to be; set on every authenticated agent route. */
    agent?: AgentIdentity;
  }
}

export interface AgentAuthenticationOptions {
  channel: AgentChannel;
  limiter: RateLimiter;
  /** Where client certificates come from: TLS to Latch, or a trusted proxy's header. */
  config: Config;
}

/**
 * Proves which device sent an agent request: by the client certificate when TLS ends in Latch
 * (or at a proxy in LATCH_TRUSTED_PROXIES that forwards it, as the MDM channels accept it), else
 * by the device secret as a Bearer token. A
 * certificate counts only if Latch issued it to a live credential (its fingerprint is stored),
 * so no chain building is needed. Then takes one request from the device's rate budget.
 */
export async function authenticateAgent(
  request: FastifyRequest,
  reply: FastifyReply,
  options: AgentAuthenticationOptions,
): Promise<AgentIdentity> {
  const identity = await identify(request, options);
  const retryAfter = options.limiter.take(identity.deviceId);
  if (retryAfter > 0) {
    void reply.header('retry-after', String(retryAfter));
    throw rateLimited(retryAfter);
  }
  request.agent = identity;
  request.log = request.log.child({ deviceId: identity.deviceId });
  return identity;
}

async function identify(request: FastifyRequest, options: AgentAuthenticationOptions) {
  const fingerprint = clientCertificateFingerprint(request, options.config);
  if (fingerprint) return options.channel.authenticateCertificate(fingerprint);
  const secret = bearerToken(request);
  if (!secret) throw unauthenticated('a device credential is required');
  return options.channel.authenticateSecret(secret);
}

/** The device behind an authenticated agent request. */
export function agentOf(request: FastifyRequest): AgentIdentity {
  if (!request.agent) throw unauthenticated();
  return request.agent;
}
