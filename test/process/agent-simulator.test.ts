import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStorage } from '../../src/main.js';
import type { AgentEvent } from '../../src/storage/roles/agent-channel.js';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';
import { LATCH_CLI, startServerProcess } from '../helpers/server-process.js';

const AGENTS = 500;
const EVENTS = 2;

interface Summary {
  enrolled: number;
  checkins: number;
  tasks: { ok: number; failed: number };
  events: number;
}

/**
 * Runs `latch simulate agent` as its own process; answers its JSON line, or undefined when it
 * was killed because `killWhen` said so (polled every 20 ms).
 */
function simulate(args: string[], killWhen?: () => Promise<boolean>): Promise<Summary | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LATCH_CLI, 'simulate', 'agent', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const poll = async () => {
      if (child.exitCode !== null || !killWhen) return;
      if (await killWhen()) child.kill('SIGKILL');
      else setTimeout(() => void poll(), 20);
    };
    void poll();
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') return resolve(undefined);
      if (code !== 0) return reject(new Error(`simulator exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim()) as Summary);
    });
  });
}

async function allEvents(storage: Storage): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.listAgentEvents({ limit: 1000, cursor });
    events.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return events;
}

for (const backend of BACKENDS) {
  describe(`${AGENTS} simulated agents on ${backend.name}`, () => {
    it('enrol, check in, run a group task once each and upload events once', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'latch-sim-'));
      const { env, drop } = await backend.serverEnv(dataDir);
      const server = await startServerProcess(
        { ...env, LATCH_ADMIN_PASSWORD: 'pw', LATCH_AGENT_CHECKIN_INTERVAL: '1' },
        join(dataDir, 'server'),
      );
      try {
        const api = async (path: string, method = 'GET', body?: unknown, token?: string) => {
          const response = await fetch(server.url + path, {
            method,
            headers: {
              'content-type': 'application/json',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          return (await response.json()) as any;
        };
        const { token } = await api('/api/v1/auth/login', 'POST', {
          username: 'admin',
          password: 'pw',
        });
        const agents = join(dataDir, 'agents');
        const common = ['--server', server.url, '--token', token, '--data', agents];

        const enrolled = await simulate([
          ...common,
          ...['--devices', String(AGENTS), '--checkins', '1', '--events', String(EVENTS)],
        ]);
        const devices = await api('/api/v1/devices?limit=1000', 'GET', undefined, token);
        const group = await api('/api/v1/groups', 'POST', { name: 'Fleet' }, token);
        const ids = devices.items.map((d: { id: string }) => d.id);
        await api(`/api/v1/groups/${group.id}/members`, 'POST', { deviceIds: ids }, token);
        const queued = await api(
          '/api/v1/agent/tasks',
          'POST',
          { groupId: group.id, kind: 'exec', arguments: { command: 'winget' }, origin: 'e2e' },
          token,
        );
        const ran = await simulate([
          ...common,
          ...['--devices', String(AGENTS), '--checkins', '2', '--events', '0'],
          ...['--duplicate-uploads', '--task-outcome', 'alternate'],
        ]);

        assert.deepEqual(enrolled, {
          enrolled: AGENTS,
          checkins: AGENTS,
          tasks: { ok: 0, failed: 0 },
          events: AGENTS * EVENTS,
        });
        assert.equal(ids.length, AGENTS);
        assert.equal(queued.tasks.length, AGENTS);
        assert.deepEqual(ran, {
          enrolled: AGENTS,
          checkins: AGENTS * 2,
          tasks: { ok: AGENTS / 2, failed: AGENTS / 2 },
          events: 0,
        });
        const storage = await openStorage(
          env.DATABASE_URL
            ? { databaseUrl: env.DATABASE_URL }
            : { sqlitePath: join(dataDir, 'server', 'latch.db') },
        );
        try {
          const tasks = await storage.listCommands({
            channel: 'agent',
            origin: 'e2e',
            limit: 5000,
          });
          assert.equal(new Set(tasks.map((t) => t.deviceId)).size, AGENTS);
          assert.deepEqual(
            tasks.map((t) => t.attempts).filter((n) => n !== 1),
            [],
          );
          const statuses = tasks.map((t) => t.status).sort();
          assert.equal(statuses.filter((s) => s === 'acknowledged').length, AGENTS / 2);
          assert.equal(statuses.filter((s) => s === 'error').length, AGENTS / 2);
          const events = await allEvents(storage);
          assert.equal(events.length, AGENTS * EVENTS);
          assert.equal(
            new Set(events.map((e) => `${e.deviceId}/${e.eventId}`)).size,
            AGENTS * EVENTS,
          );
          // The simulated events are mount reports, so the mount-event list shows them.
          let refused = 0;
          let cursor: string | undefined;
          do {
            const page = await storage.listMountEvents({ decision: 'deny', cursor });
            refused += page.items.length;
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          assert.equal(refused, AGENTS * EVENTS);
        } finally {
          await storage.close();
        }
      } finally {
        await server.stop();
        await drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('loses and duplicates no event when the simulator is killed mid-upload', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'latch-sim-kill-'));
      const { env, drop } = await backend.serverEnv(dataDir);
      const server = await startServerProcess(
        { ...env, LATCH_ADMIN_PASSWORD: 'pw' },
        join(dataDir, 'server'),
      );
      try {
        const login = await fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'pw' }),
        });
        const { token } = (await login.json()) as { token: string };
        const args = ['--server', server.url, '--token', token, '--data', join(dataDir, 'agents')];
        const sizes = [
          '--devices',
          '20',
          '--events',
          '50',
          '--checkins',
          '1',
          '--concurrency',
          '10',
        ];
        const run = [...args, ...sizes];

        const uploading = async () => {
          const response = await fetch(`${server.url}/api/v1/agent/events?limit=1`, {
            headers: { authorization: `Bearer ${token}` },
          });
          return ((await response.json()) as { items: unknown[] }).items.length > 0;
        };

        const killed = await simulate(run, uploading);
        const resumed = await simulate(run);

        assert.equal(killed, undefined, 'the first run was killed before it finished');
        assert.equal(resumed?.enrolled, 20);
        const storage = await openStorage(
          env.DATABASE_URL
            ? { databaseUrl: env.DATABASE_URL }
            : { sqlitePath: join(dataDir, 'server', 'latch.db') },
        );
        try {
          const events = await allEvents(storage);
          const perDevice = new Map<string, number>();
          for (const e of events) perDevice.set(e.deviceId, (perDevice.get(e.deviceId) ?? 0) + 1);
          assert.equal(events.length, 20 * 50);
          assert.deepEqual(new Set(perDevice.values()), new Set([50]));
        } finally {
          await storage.close();
        }
      } finally {
        await server.stop();
        await drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
