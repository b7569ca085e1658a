/**
 * Node flags for a benchmark's `latch serve` process. LATCH_BENCH_PROFILE=DIR writes a V8 CPU
 * profile of the server (not of the simulator or the bench) into DIR when the server stops, so
 * a slow figure can be explained without touching the benchmark; LATCH_BENCH_SERVER_FLAGS adds
 * any other flags (space-separated), such as `--import ./my-probe.mjs`.
 */
export function benchServerFlags(): string[] {
  const dir = process.env.LATCH_BENCH_PROFILE;
  const extra = process.env.LATCH_BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
  return [...(dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : []), ...extra];
}

/** LATCH_BENCH_BACKENDS=sqlite (or postgres) runs a benchmark on that backend only. */
export function benchBackendWanted(name: 'sqlite' | 'postgres'): boolean {
  const wanted = process.env.LATCH_BENCH_BACKENDS;
  return !wanted || wanted.split(',').includes(name);
}
