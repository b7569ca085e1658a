import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { LinuxSystem } from './linux-enforcement.js';

/** The machine itself: commands through execFile (no shell), sysfs at `/sys`. */
export function localLinuxSystem(sysfsRoot = '/sys'): LinuxSystem {
  return {
    sysfsRoot,
    run: (command, args) =>
      new Promise((resolve, reject) => {
        execFile(command, [...args], { encoding: 'utf8', timeout: 10_000 }, (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        );
      }),
    writeFile: (path, data) => writeFile(path, data),
  };
}
