import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/latch.js', import.meta.url));
const RUNS = 5;

/** Time from spawning `latch serve` to its first 200 on /healthz, and its idle resident memory. */
export async function startupBenchmark() {
  const dataDir = mkdtempSync(join(tmpdir(), 'latch-bench-'));
  const times: number[] = [];
  let rssMb = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const port = 30_000 + run;
      const started = performance.now();
      const child = spawn(
        process.execPath,
        [CLI, 'serve', '--port', String(port), '--data', dataDir],
        {
          env: { ...process.env, LATCH_LOG_LEVEL: 'warn', LATCH_ADMIN_PASSWORD: 'bench' },
          stdio: 'ignore',
        },
      );
      for (;;) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
        } catch {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
      times.push(performance.now() - started);
      if (run === RUNS - 1) {
        await new Promise((r) => setTimeout(r, 3000));
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      }
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `ready after start: first ${times[0]!.toFixed(0)} ms, ` +
      `median of warm ${median(times.slice(1)).toFixed(0)} ms (target < 1000 ms)`,
  );
  console.log(`idle resident memory: ${rssMb.toFixed(0)} MB (target < 120 MB)`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
