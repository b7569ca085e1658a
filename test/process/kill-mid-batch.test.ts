import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStorage } from '../../src/main.js';
import { BACKENDS } from '../helpers/backends.js';
import { startServerProcess } from '../helpers/server-process.js';

const BATCH = 20_000;

for (const backend of BACKENDS) {
  describe(`a server killed mid-batch on ${backend.name}`, () => {
    it('leaves each membership batch whole or absent', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'latch-kill-'));
      const { env, drop } = await backend.serverEnv(dataDir);
      const open = () =>
        openStorage(
          env.DATABASE_URL
            ? { databaseUrl: env.DATABASE_URL }
            : { sqlitePath: join(dataDir, 'latch.db') },
        );
      try {
        const seeded = await open();
        const deviceIds: string[] = [];
        await seeded.transaction(async (s) => {
          for (let i = 0; i < BATCH; i++) {
            deviceIds.push(
              (await s.observeDevice({ platform: 'windows', serialNumber: `K${i}` })).id,
            );
          }
        });
        const group = await seeded.createGroup({ name: 'Killed' });
        await seeded.close();

        const server = await startServerProcess(
          { ...env, LATCH_ADMIN_PASSWORD: 'pw', LATCH_BODY_LIMIT: String(8 * 1024 * 1024) },
          dataDir,
        );
        const login = await fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'pw' }),
        });
        const { token } = (await login.json()) as { token: string };
        const request = fetch(`${server.url}/api/v1/groups/${group.id}/members`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ deviceIds }),
        }).catch(() => undefined);
        // Kill once the batch is under way: the writes take longer than this on either backend.
        await new Promise((r) => setTimeout(r, 150));
        await server.stop('SIGKILL');
        await request;

        const reopened = await open();
        const members = await reopened.listMembers(group.id);
        const audit = await reopened.listAudit({ limit: 5 });
        await reopened.close();

        assert.ok(members.length === 0 || members.length === BATCH, `${members.length} members`);
        const audited = audit.items.some((e) => e.action === 'group.members.add');
        assert.equal(audited, members.length === BATCH);
      } finally {
        await drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
