import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentSettings } from '../service/agent/agent-settings.js';

export interface AppliedSettings {
  etag: string;
  settings: AgentSettings;
}

const FILE = 'settings.json';

/**
 * Replaces the agent's settings as one step: the new document is written beside the old one,
 * flushed, and renamed over it, so the enforcement code (and a restarted agent) reads either the
 * old settings or the new ones, never a mix or a torn file.
 */
export async function applySettings(dir: string, applied: AppliedSettings): Promise<void> {
  const temporary = join(dir, `.${FILE}.tmp`);
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(JSON.stringify(applied));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, join(dir, FILE));
}

/** The settings last applied, or undefined before the first. */
export async function readAppliedSettings(dir: string): Promise<AppliedSettings | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, FILE), 'utf8')) as AppliedSettings;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
