import http from 'node:http';
import https from 'node:https';
import type { AgentCheckinAnswer, AgentCheckinReport } from '../service/agent/agent-checkin.js';
import type { AgentEnrollment, AgentEnrollmentRequest } from '../service/agent/agent-enrollment.js';
import type { AgentSettings } from '../service/agent/agent-settings.js';
import type { AgentTaskResult } from '../service/agent/agent-tasks.js';

/** An agent API answer that was not a success; `code` is the server's error code. */
export class AgentHttpError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.name = 'AgentHttpError';
    this.status = status;
    this.code = code;
  }
}

export interface AgentCredentials {
  deviceSecret: string;
  /** With TLS to Latch itself, the agent may prove itself with its certificate instead. */
  certificatePem?: string | undefined;
  keyPem?: string | undefined;
}

export interface EventUpload {
  id: string;
  kind: string;
  occurredAt: number;
  payload: Record<string, unknown>;
}

/** A task as the server hands it out. */
export interface ClaimedTask {
  id: string;
  kind: string;
  arguments: Record<string, unknown>;
  attempt: number;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The agent's side of `/agent/v1/…`: JSON over HTTP(S) on kept-alive connections. With a client
 * certificate and an https URL, the certificate proves the device; otherwise the device secret
 * is sent as a Bearer token.
 */
export class AgentClient {
  readonly #base: URL;
  readonly #agent: http.Agent;
  #credentials: AgentCredentials | undefined;

  constructor(serverUrl: string, credentials?: AgentCredentials, options: { caPem?: string } = {}) {
    this.#base = new URL(serverUrl);
    this.#credentials = credentials;
    const useCertificate = this.#base.protocol === 'https:' && credentials?.certificatePem;
    this.#agent =
      this.#base.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ca: options.caPem,
            cert: useCertificate ? credentials.certificatePem : undefined,
            key: useCertificate ? credentials.keyPem : undefined,
          })
        : new http.Agent({ keepAlive: true });
  }

  async enroll(request: AgentEnrollmentRequest): Promise<AgentEnrollment> {
    const enrollment = await this.#call<AgentEnrollment>(
      'POST',
      '/agent/v1/enroll',
      request,
      false,
    );
    this.#credentials = { deviceSecret: enrollment.deviceSecret };
    return enrollment;
  }

  checkIn(report: AgentCheckinReport): Promise<AgentCheckinAnswer> {
    return this.#call('POST', '/agent/v1/checkin', report);
  }

  /** The current settings, or undefined when they still carry `etag` (304). */
  settings(etag?: string): Promise<{ etag: string; settings: AgentSettings } | undefined> {
    return this.#call('GET', '/agent/v1/settings', undefined, true, etag);
  }

  /** Leases the device's due tasks. */
  tasks(): Promise<{ tasks: ClaimedTask[] }> {
    return this.#call('GET', '/agent/v1/tasks', undefined);
  }

  /** Sends a task's result; `recorded` is false when the server already had it. */
  reportTaskResult(taskId: string, result: AgentTaskResult): Promise<{ recorded: boolean }> {
    return this.#call('POST', `/agent/v1/tasks/${encodeURIComponent(taskId)}/result`, result);
  }

  uploadEvents(events: EventUpload[]): Promise<{ received: number; stored: number }> {
    return this.#call('POST', '/agent/v1/events', { events });
  }

  /** Closes kept-alive connections. */
  close() {
    this.#agent.destroy();
  }

  #call<T>(
    method: string,
    path: string,
    body: unknown,
    authenticated = true,
    ifNoneMatch?: string,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (ifNoneMatch) headers['if-none-match'] = ifNoneMatch;
    if (authenticated) {
      if (!this.#credentials) throw new Error('the agent is not enrolled');
      headers.authorization = `Bearer ${this.#credentials.deviceSecret}`;
    }
    const transport = this.#base.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const request = transport.request(
        new URL(path, this.#base),
        { method, headers, agent: this.#agent, timeout: REQUEST_TIMEOUT_MS },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status === 304) return resolve(undefined as T);
            const parsed = parseJson(text);
            if (status >= 200 && status < 300) return resolve(parsed as T);
            const error = (parsed as { error?: { code?: string; message?: string } })?.error;
            reject(new AgentHttpError(status, error?.code, error?.message ?? `HTTP ${status}`));
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out`)));
      request.on('error', reject);
      request.end(payload);
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
