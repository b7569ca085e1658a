import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { decideMount } from '../agent/decide-mount.js';
import { readDescriptions } from '../agent/read-descriptions.js';
import type { ClassifyMode } from '../agent/restriction-of-mode.js';
import { CLASSIFY_MODES, restrictionOfMode } from '../agent/restriction-of-mode.js';

/**
 * `latch agent classify [--mode M] FILE...`: one JSON line per description
 * (`{"file","category","decision","rule","reason"}`, plus `"device"` for listings such as lsblk).
 * An unreadable file prints a line with `"error"`, the others are still printed, and the exit
 * code is 2.
 */
export function registerAgentClassifyCommand(agent: Command) {
  agent
    .command('classify')
    .description('classify disk descriptions and print the mount decision for each')
    .addOption(
      new Option('--mode <mode>', 'restriction mode').choices(CLASSIFY_MODES).default('block'),
    )
    .argument('<files...>', 'diskutil, DiskArbitration or lsblk output files')
    .action(async (files: string[], options: { mode: ClassifyMode }) => {
      const lines = await Promise.all(files.map((file) => classifyFile(file, options.mode)));
      process.stdout.write(lines.flatMap((fileLines) => fileLines.text).join(''));
      if (lines.some((fileLines) => fileLines.failed)) process.exitCode = 2;
    });
}

async function classifyFile(file: string, mode: ClassifyMode) {
  const settings = restrictionOfMode(mode);
  try {
    const { listing, volumes } = readDescriptions(await readFile(file, 'utf8'));
    const lookup = (device: string) => volumes.find((volume) => volume.device === device);
    const text = volumes.map((volume) => {
      const { category, decision, rule, reason } = decideMount(
        { volume, lookup },
        settings,
        undefined,
        Date.now(),
      );
      const device = listing ? { device: volume.device ?? null } : {};
      return `${JSON.stringify({ file, ...device, category, decision, rule, reason })}\n`;
    });
    return { failed: false, text };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { failed: true, text: [`${JSON.stringify({ file, error: message })}\n`] };
  }
}
