import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `latch` command as installed (bin/latch.js), for tests that run it as a real process. */
export const LATCH_CLI = fileURLToPath(new URL('../../../bin/latch.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const PORT_ATTEMPTS = 5;

/**
 * Starts `latch serve` on a random port and waits until /healthz answers 200. A port another
 * process took meanwhile (suites run side by side) is answered by trying another one.
 */
export async function startServerProcess(
  env: Record<string, string>,
  dataDir: string,
  timeoutMs = 15_000,
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnRandomPort(env, dataDir, timeoutMs, nodeFlags);
    } catch (error) {
      const portTaken = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!portTaken || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

async function startOnRandomPort(
  env: Record<string, string>,
  dataDir: string,
  timeoutMs: number,
  nodeFlags: string[],
): Promise<ServerProcess> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    process.execPath,
    [...nodeFlags, LATCH_CLI, 'serve', '--port', String(port), '--data', dataDir],
    {
      env: { ...process.env, LATCH_LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await exited;
      throw new Error(`latch serve exited: ${err}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`latch serve did not become healthy: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url,
    stdout: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
