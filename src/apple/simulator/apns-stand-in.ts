import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http2';
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Apple's APNs provider API, for tests and the simulator: HTTP/2 without
 * TLS, answering as Apple documents (200 with apns-id; 400 BadDeviceToken / MissingTopic /
 * BadPriority-style JSON reasons; 410 Unregistered with a timestamp; 405 for other methods).
 * It stands in for Apple's service, never for Latch's own code.
 */
export class ApnsStandIn {
  readonly #server: Http2Server;
  readonly #tokens = new Map<string, (pushMagic: string) => void>();
  readonly #unregistered = new Map<string, number>();
  readonly #sessions = new Set<ServerHttp2Session>();
  readonly received: { token: string; topic: string; pushType: string; body: string }[] = [];

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const refuse = (status: number, reason: string, extra: object = {}) => {
          response.writeHead(status, {
            'apns-id': randomUUID(),
            'content-type': 'application/json',
          });
          response.end(JSON.stringify({ reason, ...extra }));
        };
        if (request.method !== 'POST') return refuse(405, 'MethodNotAllowed');
        const match = /^\/3\/device\/([0-9a-fA-F]+)$/.exec(request.url);
        if (!match) return refuse(404, 'BadPath');
        const token = match[1]!.toLowerCase();
        const topic = request.headers['apns-topic'];
        if (typeof topic !== 'string' || topic === '') return refuse(400, 'MissingTopic');
        const pushType = String(request.headers['apns-push-type'] ?? '');
        const body = Buffer.concat(chunks).toString('utf8');
        let magic: unknown;
        try {
          magic = (JSON.parse(body) as { mdm?: unknown }).mdm;
        } catch {
          return refuse(400, 'PayloadEmpty');
        }
        const gone = this.#unregistered.get(token);
        if (gone !== undefined) return refuse(410, 'Unregistered', { timestamp: gone });
        const wake = this.#tokens.get(token);
        if (!wake) return refuse(400, 'BadDeviceToken');
        this.received.push({ token, topic, pushType, body });
        response.writeHead(200, { 'apns-id': randomUUID() });
        response.end();
        if (typeof magic === 'string') wake(magic);
      });
    });
    this.#server.on('session', (session) => {
      this.#sessions.add(session);
      session.on('close', () => this.#sessions.delete(session));
    });
  }

  /** Makes `token` (hex) deliverable; `wake` runs for each push to it. */
  register(token: string, wake: (pushMagic: string) => void) {
    this.#tokens.set(token.toLowerCase(), wake);
  }

  /** From now on APNs answers 410 Unregistered for the token, as for a removed app. */
  unregister(token: string, at = Date.now()) {
    this.#unregistered.set(token.toLowerCase(), at);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(port, host, resolve));
    return `http://${host}:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops listening and drops the provider connections still open. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const session of this.#sessions) session.destroy();
    return closed;
  }
}
