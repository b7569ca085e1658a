import pino from 'pino';
import { startFakeStore } from '../src/catalog/msstore/fake-store.js';
import { readConfig } from '../src/config.js';
import { openStorage, startServer } from '../src/main.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COLD_QUERIES = ['company', 'whatsapp', 'spotify', 'adobe', 'vlc', 'powertoys', 'microsoft'];
const WARM_RUNS = 2000;

/**
 * Store search through a real Latch server (SQLite) against the local fake Store: cold searches
 * (search + one manifest per result, over HTTP) and warm-cache searches, timed inside the server
 * (the catalog service call) and end to end over HTTP.
 */
export async function storeSearchBenchmark() {
  const store = await startFakeStore();
  const dataDir = mkdtempSync(join(tmpdir(), 'latch-bench-'));
  const storage = await openStorage({ sqlitePath: join(dataDir, 'latch.db') });
  const config = readConfig(
    { LATCH_ADMIN_PASSWORD: 'bench', HOST: '127.0.0.1', LATCH_STORE_URL: store.url },
    { port: 0, dataDir },
  );
  const server = await startServer(config, pino({ level: 'silent' }), {
    storage,
    announce: () => {},
  });
  try {
    const catalog = server.context.storeCatalog;
    const cold: number[] = [];
    for (const query of COLD_QUERIES) {
      const started = performance.now();
      await catalog.search(query, 'US');
      cold.push(performance.now() - started);
    }
    const inside: number[] = [];
    for (let run = 0; run < WARM_RUNS; run++) {
      const started = performance.now();
      await catalog.search(COLD_QUERIES[run % COLD_QUERIES.length]!, 'US');
      inside.push(performance.now() - started);
    }
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'bench' }),
    });
    const { token } = (await login.json()) as { token: string };
    const overHttp: number[] = [];
    for (let run = 0; run < WARM_RUNS / 4; run++) {
      const started = performance.now();
      const response = await fetch(`${server.url}/api/v1/store/search?q=microsoft&market=US`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      overHttp.push(performance.now() - started);
    }
    console.log(
      `cold search via local Store (search + manifests): p50 ${pct(cold, 50)} ms, ` +
        `max ${pct(cold, 100)} ms (${cold.length} queries)`,
    );
    console.log(
      `warm-cache search inside the server: p50 ${pct(inside, 50)} ms, p99 ${pct(inside, 99)} ms ` +
        `(${WARM_RUNS} runs; target p50 < 5 ms)`,
    );
    console.log(
      `warm-cache search over HTTP (GET /api/v1/store/search): p50 ${pct(overHttp, 50)} ms, ` +
        `p99 ${pct(overHttp, 99)} ms`,
    );
  } finally {
    await server.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function pct(values: number[], p: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return (sorted[Math.max(0, index)] ?? 0).toFixed(2);
}
