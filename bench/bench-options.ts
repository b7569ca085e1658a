import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node flags for a benchmark's `latch serve` process. LATCH_BENCH_PROFILE=DIR writes a V8 CPU
 * profile of the server into DIR/server when the server stops, so a slow figure can be
 * explained without touching the benchmark; LATCH_BENCH_SERVER_FLAGS adds any other flags
 * (space-separated), such as `--import ./my-probe.mjs`.
 */
export function benchServerFlags(): string[] {
  const extra = process.env.LATCH_BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
  return [...profileFlags('server'), ...extra];
}

/** Node flags for a benchmark's simulator process: its profile goes to DIR/simulator. */
export function benchSimulatorFlags(): string[] {
  return profileFlags('simulator');
}

function profileFlags(role: 'server' | 'simulator'): string[] {
  const dir = process.env.LATCH_BENCH_PROFILE;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', join(dir, role)] : [];
}

/** LATCH_BENCH_BACKENDS=sqlite (or postgres) runs a benchmark on that backend only. */
export function benchBackendWanted(name: 'sqlite' | 'postgres'): boolean {
  const wanted = process.env.LATCH_BENCH_BACKENDS;
  return !wanted || wanted.split(',').includes(name);
}

/** CPU seconds (user + system, every thread) a process has used so far, from /proc. */
export function processCpuSeconds(pid: number | undefined): number {
  return cpuSecondsIn(`/proc/${pid}/stat`);
}

/** CPU seconds a process's main thread, the one running its event loop, has used so far. */
export function eventLoopCpuSeconds(pid: number | undefined): number {
  return cpuSecondsIn(`/proc/${pid}/task/${pid}/stat`);
}

function cpuSecondsIn(statFile: string): number {
  const fields = readFileSync(statFile, 'utf8').split(') ')[1]!.split(' ');
  // After the command name: utime and stime are fields 12 and 13, in clock ticks (100 a second).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
