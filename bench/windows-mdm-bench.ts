import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWindowsFleet } from '../src/windows/simulator/fleet.js';
import { BACKENDS } from '../test/helpers/backends.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { benchBackendWanted, benchServerFlags, processCpuSeconds } from './bench-options.js';

const DEVICES = Number(process.env.BENCH_WINDOWS_DEVICES ?? 1000);
const SESSIONS = Number(process.env.BENCH_WINDOWS_SESSIONS ?? 10);
// Requests in flight at once: enough to keep the server busy without queueing most of the
// latency; BENCH_WINDOWS_CONCURRENCY=64 shows the queueing.
const CONCURRENCY = Number(process.env.BENCH_WINDOWS_CONCURRENCY ?? 32);
const PASSWORD = 'bench password 1234';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * OMA-DM throughput: a `latch serve` process on each backend, 1,000 simulated Windows devices
 * (in this process) enrolled through MS-MDE2, then each runs SESSIONS sessions (two or more
 * messages each: the opening package, then the answers to the inventory Gets).
 */
export async function windowsMdmBenchmark(): Promise<void> {
  for (const backend of BACKENDS) {
    if (!benchBackendWanted(backend.name)) continue;
    const dataDir = mkdtempSync(join(tmpdir(), 'latch-bench-'));
    const database = await backend.serverEnv(dataDir);
    const server = await startServerProcess(
      {
        ...database.env,
        LATCH_ADMIN_PASSWORD: PASSWORD,
        LATCH_TRUSTED_PROXIES: '127.0.0.1',
        LATCH_LOG_LEVEL: 'warn',
      },
      dataDir,
      60_000,
      benchServerFlags(),
    );
    try {
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: PASSWORD }),
      });
      const { token } = (await login.json()) as { token: string };
      const enrolStart = performance.now();
      const cpuAtStart = { server: 0, simulator: process.cpuUsage() };
      const report = await runWindowsFleet({
        onManagementStart: () => {
          cpuAtStart.server = processCpuSeconds(server.child.pid);
          cpuAtStart.simulator = process.cpuUsage();
        },
        server: server.url,
        adminToken: token,
        devices: DEVICES,
        durationMs: 0,
        sessionsPerDevice: SESSIONS,
        pollMs: 0,
        concurrency: CONCURRENCY,
        clientCertHeader: 'x-client-cert',
      });
      const seconds = report.managementMs / 1000;
      const serverCpu = processCpuSeconds(server.child.pid) - cpuAtStart.server;
      const simulator = process.cpuUsage(cpuAtStart.simulator);
      const simulatorCpu = (simulator.user + simulator.system) / 1e6;
      const sorted = [...report.latencies].sort((a, b) => a - b);
      console.log(
        JSON.stringify({
          backend: backend.name,
          devices: report.enrolled,
          failures: report.failures,
          messages: report.messages,
          sessions: report.sessions,
          messagesPerSecond: Math.round(report.messages / seconds),
          sessionsPerSecond: Math.round(report.sessions / seconds),
          p50Ms: Number(percentile(sorted, 50).toFixed(1)),
          p99Ms: Number(percentile(sorted, 99).toFixed(1)),
          enrolmentSeconds: Number(((performance.now() - enrolStart) / 1000 - seconds).toFixed(1)),
          concurrency: CONCURRENCY,
          serverCpuSeconds: Number(serverCpu.toFixed(1)),
          simulatorCpuSeconds: Number(simulatorCpu.toFixed(1)),
          managementSeconds: Number(seconds.toFixed(1)),
        }),
      );
    } finally {
      await server.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
