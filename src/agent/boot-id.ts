import { readFile } from 'node:fs/promises';
import { localCommandRunner } from './command-runner.js';

/**
 * Identifies the running boot: Linux's random boot id, the Mac's boot time. A new value means the
 * machine restarted, so nothing counts as already mounted any more.
 */
export async function bootIdentifier(): Promise<string> {
  if (process.platform === 'darwin') {
    return (await localCommandRunner()('sysctl', ['-n', 'kern.boottime'])).trim();
  }
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
}
