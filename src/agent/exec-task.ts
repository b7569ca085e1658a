import { spawn } from 'node:child_process';
import type { AgentTaskResult } from '../service/agent/agent-tasks.js';
import type { ClaimedTask } from './agent-client.js';

/** Bytes of output kept for the report: enough for an installer's final lines. */
const OUTPUT_TAIL_BYTES = 4096;
const DEFAULT_TIMEOUT_SECONDS = 3600;

/** The agent's own credential, which task arguments may name without the server knowing it. */
export interface AgentCredential {
  deviceId: string;
  deviceSecret: string;
}

/**
 * Placeholders an `exec` task's arguments may hold; the agent fills in its own credential, so a
 * task can authenticate to Latch (choco's `--password` for the feed) while the secret never
 * travels through the server's queue.
 */
export const DEVICE_ID_PLACEHOLDER = '{{device.id}}';
export const DEVICE_SECRET_PLACEHOLDER = '{{device.secret}}';

function fillCredential(arg: string, credential: AgentCredential | undefined): string {
  if (!credential) return arg;
  return arg
    .replaceAll(DEVICE_ID_PLACEHOLDER, credential.deviceId)
    .replaceAll(DEVICE_SECRET_PLACEHOLDER, credential.deviceSecret);
}

/**
 * Runs an `exec` task: `{ command, args?, timeoutSeconds?, successExitCodes? }`, without a shell
 * (arguments are passed as given, never interpreted). Reports the exit code, the tail of stdout
 * and stderr, and `succeeded` when the code is one of `successExitCodes` (default `[0]`).
 * Other task kinds are answered `failed` with the reason. Credential placeholders in the arguments
 * are filled from `credential`, and the secret is blanked out of the reported output.
 */
export function runExecTask(
  task: ClaimedTask,
  credential?: AgentCredential,
): Promise<AgentTaskResult> {
  const startedAt = Date.now();
  const refuse = (error: string): Promise<AgentTaskResult> =>
    Promise.resolve({
      outcome: 'failed',
      exitCode: null,
      outputTail: '',
      startedAt,
      finishedAt: Date.now(),
      error,
    });
  if (task.kind !== 'exec') return refuse(`this agent does not know task kind ${task.kind}`);
  const { command, args = [], timeoutSeconds, successExitCodes = [0] } = task.arguments;
  if (typeof command !== 'string' || !Array.isArray(args) || !Array.isArray(successExitCodes)) {
    return refuse('exec needs a command string and an args array');
  }

  return new Promise((resolve) => {
    let tail = Buffer.alloc(0);
    const keep = (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > OUTPUT_TAIL_BYTES) tail = tail.subarray(tail.length - OUTPUT_TAIL_BYTES);
    };
    const child = spawn(
      command,
      args.map((arg) => fillCredential(String(arg), credential)),
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: (Number(timeoutSeconds) || DEFAULT_TIMEOUT_SECONDS) * 1000,
      },
    );
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let spawnError: string | undefined;
    child.on('error', (error) => (spawnError = error.message));
    child.on('close', (code) => {
      const ok = code !== null && successExitCodes.includes(code);
      resolve({
        outcome: ok ? 'succeeded' : 'failed',
        exitCode: code,
        outputTail: credential
          ? tail.toString('utf8').replaceAll(credential.deviceSecret, '[redacted]')
          : tail.toString('utf8'),
        startedAt,
        finishedAt: Date.now(),
        ...(spawnError ? { error: spawnError } : {}),
      });
    });
  });
}
