import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LATCH_CLI, startServerProcess } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';

const PASSWORD = 'simulate windows password';

describe('latch simulate windows', () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latch-simwin-'));
    server = await startServerProcess(
      { LATCH_ADMIN_PASSWORD: PASSWORD, LATCH_TRUSTED_PROXIES: '127.0.0.1' },
      dataDir,
      60_000,
    );
  });
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('enrols the devices in its own process and prints one JSON line', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const child = spawn(
      process.execPath,
      [
        LATCH_CLI,
        'simulate',
        'windows',
        '--devices',
        '3',
        '--server',
        server.url,
        '--token',
        token,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));

    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]!), {
      enrolled: 3,
      sessions: 3,
      commands: { received: 3, ok: 3, error: 0 },
      messages: 6,
      failures: 0,
    });
  });
});
