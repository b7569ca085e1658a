import { writeFile } from 'node:fs/promises';
import { localCommandRunner } from '../command-runner.js';
import type { LinuxSystem } from './linux-enforcement.js';

/** The machine itself: commands through execFile (no shell), sysfs at `/sys`. */
export function localLinuxSystem(sysfsRoot = '/sys'): LinuxSystem {
  return { sysfsRoot, run: localCommandRunner(), writeFile: (path, data) => writeFile(path, data) };
}
