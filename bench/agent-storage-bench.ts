import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decideMount } from '../src/agent/decide-mount.js';
import type { MountRequest } from '../src/agent/decide-mount.js';
import { bootState, restrictionArrived } from '../src/agent/enforcement-state.js';
import { readDescriptions } from '../src/agent/read-descriptions.js';
import { restrictionOfMode } from '../src/agent/restriction-of-mode.js';

const DISKS = fileURLToPath(new URL('../../../shared/fixtures/disks/', import.meta.url));
const IDLE = fileURLToPath(new URL('./agent-idle-process.js', import.meta.url));
const THROUGHPUT_DECISIONS = 2_000_000;
const LATENCY_SAMPLES = 200_000;

/**
 * Mount decisions per second and p99 decision latency over every description in
 * shared/fixtures/disks (block mode, a state with volumes mounted before the restriction), and
 * the idle agent's resident memory.
 */
export async function agentStorageBenchmark() {
  const requests = fixtureRequests();
  const settings = restrictionOfMode('block');
  const state = restrictionArrived(bootState('bench', false), [{ key: 'mac:disk9', user: 'ada' }]);
  const now = Date.now();
  let denied = 0;
  const decideAll = () => {
    for (let i = 0; i < THROUGHPUT_DECISIONS; i++) {
      const d = decideMount(requests[i % requests.length]!, settings, state, now);
      if (d.decision === 'deny') denied++;
    }
  };

  decideAll();
  const started = process.hrtime.bigint();
  decideAll();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const latencies = new Float64Array(LATENCY_SAMPLES);
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const t0 = process.hrtime.bigint();
    decideMount(requests[i % requests.length]!, settings, state, now);
    latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  latencies.sort();
  const p50 = latencies[Math.floor(LATENCY_SAMPLES * 0.5)]!;
  const p99 = latencies[Math.floor(LATENCY_SAMPLES * 0.99)]!;
  const rssMb = await idleAgentRssMb();

  const deniedShare = denied / (2 * THROUGHPUT_DECISIONS);
  console.log(
    `descriptions: ${requests.length} from ${DISKS}; ${(deniedShare * 100).toFixed(0)}% denied`,
  );
  console.log(`decisions/s: ${Math.round(THROUGHPUT_DECISIONS / seconds).toLocaleString('en')}`);
  console.log(`decision latency: p50 ${p50.toFixed(2)} µs, p99 ${p99.toFixed(2)} µs`);
  console.log(`idle agent (storage control and adapters loaded) RSS: ${rssMb.toFixed(1)} MB`);
}

function fixtureRequests(): MountRequest[] {
  return readdirSync(DISKS)
    .filter((name) => name !== 'SOURCES.md')
    .flatMap((name) => {
      const { volumes } = readDescriptions(readFileSync(`${DISKS}${name}`, 'utf8'));
      const lookup = (device: string) => volumes.find((v) => v.device === device);
      return volumes.map((volume) => ({ volume, lookup }));
    });
}

async function idleAgentRssMb(): Promise<number> {
  const child = fork(IDLE, [], { stdio: 'ignore' });
  try {
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  } finally {
    child.kill();
  }
}
