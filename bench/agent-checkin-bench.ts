import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '../src/main.js';
import type { AgentCheckinAnswer } from '../src/service/agent/agent-checkin.js';
import { generateToken, hashToken } from '../src/service/tokens.js';
import { benchServerFlags, processCpuSeconds } from './bench-options.js';

const CLI = fileURLToPath(new URL('../../bin/latch.js', import.meta.url));
const AGENTS = Number(process.env.BENCH_AGENTS ?? 5000);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 32);
const PORT = 30_500;
const STATE = {
  osVersion: '14.5',
  agentVersion: '1.4.2',
  trayVersion: '1.2.0',
  extensionState: 'approved',
  volumes: [{ name: 'Macintosh HD', mountPoint: '/' }],
};

/**
 * Idle agent check-ins against `latch serve` on SQLite, in a separate process: 5,000 enrolled
 * agents (seeded in the database), each first checks in with its state, then the fleet checks
 * in idle (state hash and settings ETag only) from a fixed number of kept-alive connections.
 * Prints check-ins per second and latency percentiles.
 */
export async function agentCheckinBenchmark() {
  const dataDir = mkdtempSync(join(tmpdir(), 'latch-bench-agents-'));
  const secrets = await seedAgents(dataDir);
  const child = spawn(
    process.execPath,
    [...benchServerFlags(), CLI, 'serve', '--port', String(PORT), '--data', dataDir],
    {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        LATCH_LOG_LEVEL: 'warn',
        LATCH_ADMIN_PASSWORD: 'bench',
        LATCH_AGENT_RATE_PER_MINUTE: '100000',
        LATCH_AGENT_RATE_BURST: '100000',
      },
      stdio: 'ignore',
    },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  try {
    await waitForHealth();
    const etags = new Map<string, string>();
    await runPool(secrets, IN_FLIGHT, async (secret) => {
      const answer = await checkIn(agent, secret, { stateHash: 'bench', state: STATE });
      etags.set(secret, answer.body.settings.etag);
    });

    const latencies: number[] = [];
    const cpuBefore = processCpuSeconds(child.pid);
    const deadline = performance.now() + DURATION_MS;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < deadline) {
          const secret = secrets[next++ % secrets.length]!;
          const sent = performance.now();
          const answer = await checkIn(agent, secret, {
            stateHash: 'bench',
            settingsEtag: etags.get(secret),
          });
          if (answer.status !== 200 || answer.body.settings.changed || answer.body.sendState) {
            throw new Error(`an idle check-in was not idle: ${answer.status}`);
          }
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const serverCpu = processCpuSeconds(child.pid) - cpuBefore;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    console.log(
      `idle check-ins, ${AGENTS} agents, SQLite, ${IN_FLIGHT} connections: ` +
        `${Math.round(latencies.length / seconds)}/s over ${seconds.toFixed(0)} s ` +
        `(target >= 3000/s); latency p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms ` +
        `(target < 50 ms), max ${at(1).toFixed(1)} ms`,
    );
    console.log(
      `server CPU: ${Math.round(latencies.length / serverCpu)} check-ins per CPU-second ` +
        `(${serverCpu.toFixed(1)} s of CPU in ${seconds.toFixed(0)} s; load average ` +
        `${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`,
    );
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Enrolled agents straight in the database, as AGENTS enrolments would leave them. */
async function seedAgents(dataDir: string): Promise<string[]> {
  const storage = await openStorage({ sqlitePath: join(dataDir, 'latch.db') });
  const secrets: string[] = [];
  await storage.transaction(async (s) => {
    for (let i = 0; i < AGENTS; i++) {
      const device = await s.observeDevice({
        platform: 'macos',
        serialNumber: `BENCH${String(i).padStart(7, '0')}`,
        agentVersion: '1.4.2',
      });
      const secret = generateToken('lta_');
      await s.replaceAgentCredential({
        deviceId: device.id,
        secretHash: hashToken(secret),
        certificateFingerprint: null,
        certificateSerial: null,
        certificateNotAfter: null,
        issuedAt: Date.now(),
      });
      secrets.push(secret);
    }
  });
  await storage.close();
  return secrets;
}

function checkIn(
  agent: http.Agent,
  secret: string,
  body: unknown,
): Promise<{ status: number; body: AgentCheckinAnswer }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        path: '/agent/v1/checkin',
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(text) as AgentCheckinAnswer,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

async function runPool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function waitForHealth() {
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/healthz`)).ok) return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
