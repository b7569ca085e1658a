import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readConfig } from '../../src/config.js';
import type { Config } from '../../src/config.js';
import { startServer } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import type { Storage } from '../../src/storage/storage.js';
import type { Backend } from './backends.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestApp {
  server: RunningServer;
  storage: Storage;
  config: Config;
  url: string;
  /** A session token of the admin. */
  token: string;
  /** fetch against the server with the admin's token unless `headers.authorization` is given. */
  api(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** A real server on a random local port over a fresh database of the given backend. */
export async function startTestApp(
  backend: Backend,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latch-test-'));
  const storage = await backend.open();
  const config = readConfig(
    { LATCH_ADMIN_PASSWORD: ADMIN_PASSWORD, HOST: '127.0.0.1', ...env },
    { port: 0, dataDir },
  );
  const server = await startServer(config, pino({ level: 'silent' }), {
    storage,
    announce: () => {},
  });
  const api: TestApp['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (!('authorization' in headers) && token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(server.url + path, {
      method: init.method ?? 'GET',
      headers,
      body,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the caller gets the text
    }
    return { status: response.status, body: parsed };
  };
  let token = '';
  const login = await api('/api/v1/auth/login', {
    method: 'POST',
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  token = (login.body as { token: string }).token;
  return {
    server,
    storage,
    config,
    url: server.url,
    token,
    api,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
