import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Runs a long-lived command (`udevadm monitor`, `findmnt --poll`, `diskutil activity`) and hands
 * each output line to `onLine`, one at a time and in order, until `signal` aborts. Resolves when
 * the command ends; rejects when it cannot be started.
 */
export function followLines(
  command: string,
  args: readonly string[],
  onLine: (line: string) => Promise<unknown>,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'ignore'], signal });
    let queue = Promise.resolve();
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      queue = queue
        .then(() => onLine(line))
        .then(
          () => undefined,
          () => undefined,
        );
    });
    child.once('error', (error) => (error.name === 'AbortError' ? resolve() : reject(error)));
    child.once('close', () => queue.then(resolve));
  });
}
