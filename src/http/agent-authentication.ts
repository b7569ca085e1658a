import { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rateLimited, unauthenticated } from '../errors.js';
import { certificateFingerprint, pemFingerprint } from '../service/agent/agent-ca.js';
import type { AgentChannel, AgentIdentity } from '../service/agent/agent-channel.js';
import type { RateLimiter } from '../service/agent/rate-limiter.js';
import { bearerToken } from './authentication.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The device an agent request proved to be; set on every authenticated agent route. */
    agent?: AgentIdentity;
  }
}

export interface AgentAuthenticationOptions {
  channel: AgentChannel;
  limiter: RateLimiter;
  /**
   * The header a TLS-terminating proxy puts the client certificate in (URL-encoded PEM, as
   * nginx's `$ssl_client_escaped_cert`), or undefined to ignore such headers.
   */
  certificateHeader: string | undefined;
}

/**
 * Proves which device sent an agent request: by the client certificate when TLS ends in Latch
 * (or at a trusted proxy that forwards it), else by the device secret as a Bearer token. A
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
  const socket = request.raw.socket;
  if (socket instanceof TLSSocket) {
    const peer = socket.getPeerCertificate();
    if (peer?.raw) return options.channel.authenticateCertificate(certificateFingerprint(peer.raw));
  }
  if (options.certificateHeader) {
    const forwarded = request.headers[options.certificateHeader];
    if (typeof forwarded === 'string' && forwarded.length > 0) {
      const fingerprint = pemFingerprint(safeDecode(forwarded));
      if (!fingerprint) throw unauthenticated('the forwarded client certificate is not readable');
      return options.channel.authenticateCertificate(fingerprint);
    }
  }
  const secret = bearerToken(request);
  if (!secret) throw unauthenticated('a device credential is required');
  return options.channel.authenticateSecret(secret);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The device behind an authenticated agent request. */
export function agentOf(request: FastifyRequest): AgentIdentity {
  if (!request.agent) throw unauthenticated();
  return request.agent;
}
