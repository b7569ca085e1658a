import { connect } from 'node:http2';
import type { ClientHttp2Session, SecureClientSessionOptions } from 'node:http2';

/**
 * An APNs provider client for MDM pushes over HTTP/2
 * (https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns):
 * `POST /3/device/<token>` with the topic of the MDM push certificate and `{"mdm": PushMagic}`.
 * Pushes share one connection and go out concurrently as separate streams.
 */

export interface PushTarget {
  /** Hex device token. */
  token: string;
  pushMagic: string;
  topic: string;
}

export interface PushResult {
  token: string;
  status: number;
  /** APNs's reason for a refusal, e.g. BadDeviceToken or Unregistered. */
  reason: string | null;
}

export interface ApnsOptions {
  /** https://api.push.apple.com, or a stand-in's address (http:// means HTTP/2 without TLS). */
  url: string;
  /** The push certificate and key (PEM), or a PKCS#12 with its password. */
  tls?: Pick<SecureClientSessionOptions, 'cert' | 'key' | 'pfx' | 'passphrase' | 'ca'>;
  /** Streams in flight at once on the connection. */
  concurrency?: number;
  timeoutMs?: number;
}

export class ApnsClient {
  readonly #options: ApnsOptions;
  #session: ClientHttp2Session | undefined;

  constructor(options: ApnsOptions) {
    this.#options = options;
  }

  #connect(): ClientHttp2Session {
    if (this.#session && !this.#session.closed && !this.#session.destroyed) return this.#session;
    const session = connect(this.#options.url, this.#options.tls ?? {});
    session.on('error', () => session.destroy());
    session.on('goaway', () => session.close());
    session.unref();
    this.#session = session;
    return session;
  }

  /** Sends every push; never throws for a refused one, which is reported in its result. */
  async push(targets: PushTarget[]): Promise<PushResult[]> {
    const results: PushResult[] = [];
    const limit = this.#options.concurrency ?? 200;
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const target = targets[next++]!;
        results.push(await this.#send(target));
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, targets.length) }, worker));
    return results;
  }

  #send(target: PushTarget): Promise<PushResult> {
    return new Promise((resolve) => {
      let session: ClientHttp2Session;
      try {
        session = this.#connect();
      } catch {
        resolve({ token: target.token, status: 0, reason: 'ConnectionFailed' });
        return;
      }
      const body = JSON.stringify({ mdm: target.pushMagic });
      const stream = session.request({
        ':method': 'POST',
        ':path': `/3/device/${target.token}`,
        'apns-topic': target.topic,
        'apns-push-type': 'mdm',
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      stream.setTimeout(this.#options.timeoutMs ?? 10_000, () => stream.close());
      let status = 0;
      const chunks: Buffer[] = [];
      stream.on('response', (headers) => {
        status = Number(headers[':status'] ?? 0);
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      const finish = () => {
        let reason: string | null = null;
        if (status !== 200) {
          try {
            reason =
              (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { reason?: string }).reason ??
              null;
          } catch {
            reason = status === 0 ? 'NoResponse' : null;
          }
        }
        resolve({ token: target.token, status, reason });
      };
      stream.on('close', finish);
      stream.on('error', () => undefined);
      stream.end(body);
    });
  }

  close() {
    this.#session?.close();
  }
}
