import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServerProcess } from '../helpers/server-process.js';

describe('latch serve as a process', () => {
  it('starts on SQLite, prints a one-time password once, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latch-serve-'));
    try {
      const first = await startServerProcess({ LATCH_ADMIN_PASSWORD: '' }, dataDir);
      const password = /one-time password: (\S+)/.exec(first.stdout())?.[1];
      const login = await fetch(`${first.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      const firstExit = await first.stop();

      const second = await startServerProcess({ LATCH_ADMIN_PASSWORD: '' }, dataDir);
      const secondOut = second.stdout();
      await second.stop();

      assert.ok(password, first.stdout());
      assert.equal(login.status, 200);
      assert.equal(firstExit, 0);
      assert.equal(statSync(join(dataDir, 'latch.db')).isFile(), true);
      assert.equal(statSync(join(dataDir, 'secret.key')).mode & 0o777, 0o600);
      assert.doesNotMatch(secondOut, /one-time password/);
      assert.match(secondOut, /Sign in as "admin"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
