import { spawn } from 'node:child_process';
import type { TestApp } from './app.js';
import { LATCH_CLI } from './server-process.js';
import { until } from './waiting.js';

/**
 * Runs `latch simulate apple` against a test server (whose LATCH_APNS_URL points at
 * `apnsPort`) and waits until its devices have enrolled. `stop` ends it with SIGTERM and
 * answers its exit code and the report it printed.
 */
export async function startAppleSimulator(
  app: TestApp,
  options: { devices: number; apnsPort: number; args?: string[] },
) {
  const simulator = spawn(
    process.execPath,
    [
      LATCH_CLI,
      ...['simulate', 'apple', '--devices', String(options.devices)],
      ...['--server', app.url, '--token', app.token],
      ...['--apns-port', String(options.apnsPort), '--duration', '600'],
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  simulator.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  simulator.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => simulator.on('exit', resolve));
  await until('enrolment', async () => stderr.includes(`enrolled ${options.devices}`));
  return {
    async stop(): Promise<{ code: number | null; report: string }> {
      simulator.kill('SIGTERM');
      const code = await exited;
      return { code, report: stdout.trim() };
    },
  };
}
