import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism as cores, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildCommandPlist } from '../src/apple/commands.js';
import { buildPlist } from '../src/apple/mdm-plist.js';
import { openStorage } from '../src/main.js';
import { CommandQueue } from '../src/service/command-queue.js';
import { connect } from '../src/storage/kysely/connect.js';
import {
  benchBackendWanted,
  benchServerFlags,
  benchSimulatorFlags,
  eventLoopCpuSeconds,
  processCpuSeconds,
} from './bench-options.js';

const CLI = fileURLToPath(new URL('../../bin/latch.js', import.meta.url));
const POSTGRES_URL =
  process.env.LATCH_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DEVICES = Number(process.env.LATCH_BENCH_DEVICES ?? 1000);
const ROUNDS = Number(process.env.LATCH_BENCH_ROUNDS ?? 10);
const ENQUEUE_DEVICES = 100_000;
const PASSWORD = 'apple-bench-password';

const PROFILE = new Uint8Array(
  Buffer.from(
    buildPlist({
      PayloadType: 'Configuration',
      PayloadVersion: 1,
      PayloadIdentifier: 'dev.latch.bench',
      PayloadUUID: randomUUID().toUpperCase(),
      PayloadDisplayName: 'Bench profile',
      PayloadContent: [],
    }),
  ),
);

/**
 * Apple MDM throughput: simulated devices (their own process) working through queued
 * InstallProfile commands, every message signed and verified, every answer stored; the
 * constant-plist route of the same server as the ceiling; then 100,000 enqueues.
 */
export async function appleBenchmark() {
  for (const backend of ['sqlite', 'postgres'] as const) {
    if (!benchBackendWanted(backend)) continue;
    let schema: { url: string; drop(): Promise<void> } | undefined;
    if (backend === 'postgres') {
      schema = await createSchema().catch(() => undefined);
      if (!schema) {
        console.log('postgres: not reachable, skipped');
        continue;
      }
    }
    try {
      await roundTrips(backend, schema?.url);
      await enqueues(backend, schema?.url);
    } finally {
      await schema?.drop();
    }
  }
}

async function roundTrips(backend: string, databaseUrl: string | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), 'latch-apple-bench-'));
  const port = 31_000 + Math.floor(Math.random() * 1000);
  const apnsPort = port + 1000;
  const server = spawn(
    process.execPath,
    [...benchServerFlags(), CLI, 'serve', '--port', String(port), '--data', dataDir],
    {
      env: {
        ...process.env,
        LATCH_LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        LATCH_ADMIN_PASSWORD: PASSWORD,
        LATCH_BENCH_ROUTES: '1',
        LATCH_APNS_URL: `http://127.0.0.1:${apnsPort}`,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      },
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const api = async (path: string, body?: unknown) => {
      const response = await fetch(url + path, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      return response.json() as Promise<{ items: { id: string }[]; nextCursor?: string | null }>;
    };

    const simulator = spawn(
      process.execPath,
      [
        ...benchSimulatorFlags(),
        CLI,
        'simulate',
        'apple',
        '--devices',
        String(DEVICES),
        '--server',
        url,
        '--token',
        token,
        '--apns-port',
        String(apnsPort),
        '--duration',
        '3600',
        '--ceiling',
        '5',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const progress = lines(simulator);
    await progress.until((line) => line === `enrolled ${DEVICES}`);
    // Every new enrolment is asked DeviceInformation first; the rounds start once all answered.
    await progress.until((line) => line === `acknowledged ${DEVICES}`);
    const ids: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await api(`/api/v1/devices?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);

    const messagesBefore = await connectMessages(url);
    const cpuBefore = processCpuSeconds(server.pid);
    const eventLoopBefore = eventLoopCpuSeconds(server.pid);
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      await api('/api/v1/apple/commands', {
        requestType: 'InstallProfile',
        deviceIds: ids,
        payload: Buffer.from(PROFILE).toString('base64'),
      });
    }
    const target = DEVICES * ROUNDS;
    await progress.until((line) => line === `acknowledged ${DEVICES + target}`);
    const seconds = (performance.now() - started) / 1000;
    const serverCpu = processCpuSeconds(server.pid) - cpuBefore;
    const eventLoopCpu = eventLoopCpuSeconds(server.pid) - eventLoopBefore;
    const messages = (await connectMessages(url)) - messagesBefore;
    simulator.kill('SIGTERM');
    const report = JSON.parse(await progress.stdout()) as {
      roundTrips: { perSecond: number; p50Ms: number; p99Ms: number };
      ceiling: { perSecond: number; p50Ms: number; p99Ms: number };
      cpuSeconds: number;
      commandCpuSeconds: number;
    };
    const rt = report.roundTrips;
    // The rate is the bench's own: from the first enqueue to the last acknowledgement.
    const perSecond = Math.round(target / seconds);
    console.log(
      `${backend}: ${perSecond} round trips/s (Idle → InstallProfile → Acknowledged, ` +
        `${DEVICES} devices, ${target} commands in ${seconds.toFixed(1)} s, ` +
        `${(messages / target).toFixed(2)} command-endpoint messages each), ` +
        `p50 ${rt.p50Ms} ms, p99 ${rt.p99Ms} ms`,
    );
    console.log(
      `${backend}: constant-plist ceiling ${report.ceiling.perSecond} req/s ` +
        `(p50 ${report.ceiling.p50Ms} ms, p99 ${report.ceiling.p99Ms} ms); ` +
        `round trips = ${((perSecond / report.ceiling.perSecond) * 100).toFixed(0)} % of it`,
    );
    const perTrip = (cpu: number) => ((cpu / target) * 1000).toFixed(2);
    const bound = cores() / ((serverCpu + report.commandCpuSeconds) / target);
    console.log(
      `${backend}: CPU per round trip: server ${perTrip(serverCpu)} ms (its event loop ` +
        `${perTrip(eventLoopCpu)} ms), simulator ${perTrip(report.commandCpuSeconds)} ms; ` +
        `on ${cores()} cores the pair can do at most ${Math.round(bound)} round trips/s ` +
        `(simulator ${report.cpuSeconds} s CPU in all, enrolment included); the server's ` +
        `event loop, on a core of its own, at most ${Math.round(target / eventLoopCpu)}/s`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Messages the server has answered on the command endpoint so far, from its metrics. */
async function connectMessages(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('latch_http_requests_total{') && line.includes('/mdm/apple/connect')) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

async function enqueues(backend: string, databaseUrl: string | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), 'latch-apple-enqueue-'));
  const options = databaseUrl ? { databaseUrl } : { sqlitePath: join(dataDir, 'latch.db') };
  const storage = await openStorage(options);
  const raw = connect(options);
  try {
    const now = Date.now();
    const ids = Array.from({ length: ENQUEUE_DEVICES }, () => randomUUID());
    for (let i = 0; i < ids.length; i += 1000) {
      await raw.db
        .insertInto('devices')
        .values(
          ids.slice(i, i + 1000).map((id) => ({
            id,
            platform: 'macos',
            serial_number: randomBytes(8).toString('hex'),
            supervised: 0,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
    const queue = new CommandQueue(storage, { resendAfterMs: 300_000, maxAttempts: 3 });
    const started = performance.now();
    await queue.enqueue('apple', ids, () => {
      const id = randomUUID();
      return {
        id,
        requestType: 'InstallProfile',
        payload: buildCommandPlist(id, { requestType: 'InstallProfile', payload: PROFILE }),
        origin: 'bench',
      };
    });
    const seconds = (performance.now() - started) / 1000;
    const target = backend === 'sqlite' ? 5 : 10;
    console.log(
      `${backend}: enqueue one InstallProfile for ${ENQUEUE_DEVICES} devices: ` +
        `${seconds.toFixed(2)} s (target < ${target} s)`,
    );
  } finally {
    await raw.db.destroy();
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function lines(child: ChildProcess) {
  let stderr = '';
  let stdout = '';
  const waiters: { test: (line: string) => boolean; resolve: () => void }[] = [];
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    const all = stderr.split('\n');
    for (const waiter of [...waiters]) {
      if (all.some(waiter.test)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    until(test: (line: string) => boolean) {
      return new Promise<void>((resolve, reject) => {
        if (stderr.split('\n').some(test)) {
          resolve();
          return;
        }
        waiters.push({ test, resolve });
        void exited.then(() => reject(new Error(`simulator exited: ${stderr.slice(-500)}`)));
      });
    },
    async stdout() {
      await exited;
      return stdout.trim();
    },
  };
}

async function createSchema() {
  const schema = `latch_bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
