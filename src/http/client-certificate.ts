import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { sha256Hex } from '../service/windows-certificate-authority.js';

/** Strips the IPv4-mapped IPv6 prefix so `127.0.0.1` matches either form of the address. */
function plainAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

/** DER bytes of a PEM certificate; undefined when the text holds none. */
export function pemToDer(pem: string): Buffer | undefined {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) return undefined;
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  return der.length > 0 ? der : undefined;
}

/**
 * The DER of the client certificate the device presented: taken from the TLS connection when
 * Latch serves HTTPS itself, or from the configured header, but only when the request comes from
 * one of the trusted proxy addresses (anyone else could write that header). Undefined when there
 * is none. Presenting it proves nothing by itself: the caller matches it against the
 * certificates Latch issued.
 */
export function clientCertificateDer(request: FastifyRequest, config: Config): Buffer | undefined {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate === 'function') {
    const peer = socket.getPeerCertificate();
    if (peer?.raw) return peer.raw;
  }
  if (!config.trustedProxies.includes(plainAddress(request.raw.socket.remoteAddress))) {
    return undefined;
  }
  const header = request.headers[config.clientCertHeader];
  if (typeof header !== 'string' || header === '') return undefined;
  let pem: string;
  try {
    pem = decodeURIComponent(header);
  } catch {
    return undefined;
  }
  return pemToDer(pem);
}

/** The SHA-256 fingerprint of that certificate (see clientCertificateDer). */
export function clientCertificateFingerprint(
  request: FastifyRequest,
  config: Config,
): string | undefined {
  const der = clientCertificateDer(request, config);
  return der && sha256Hex(der);
}
