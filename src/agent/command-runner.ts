import { execFile } from 'node:child_process';

/** Runs an external command and answers its standard output; rejects when it fails. */
export type CommandRunner = (command: string, args: readonly string[]) => Promise<string>;

/** Runs commands on this machine through execFile (no shell), with a time limit. */
export function localCommandRunner(timeoutMs = 10_000): CommandRunner {
  return (command, args) =>
    new Promise((resolve, reject) => {
      execFile(command, [...args], { encoding: 'utf8', timeout: timeoutMs }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
}
