import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { simulateAgents } from '../agent/agent-simulator.js';
import type { SimulatedOutcome } from '../agent/agent-simulator.js';
import { EXTENSION_STATES } from '../service/agent/agent-checkin.js';
import type { ExtensionState } from '../service/agent/agent-checkin.js';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

/** `latch simulate agent`: N simulated agents over real HTTP, then one JSON line of totals. */
export function registerSimulateAgentCommand(simulate: Command) {
  simulate
    .command('agent')
    .description('run simulated Latch agents against a server and print one JSON line of totals')
    .requiredOption('--server <url>', 'the Latch server, e.g. http://127.0.0.1:8080')
    .requiredOption('--token <token>', 'an admin API token (makes the enrolment token)')
    .option('--devices <n>', 'how many agents', count, 10)
    .option('--checkins <n>', 'check-ins per agent', count, 3)
    .option('--events <n>', 'events each agent reports', count, 5)
    .addOption(
      new Option('--task-outcome <outcome>', 'how simulated tasks end')
        .choices(['succeeded', 'failed', 'alternate'])
        .default('succeeded'),
    )
    .option('--data <dir>', 'keeps identities and unsent events; reuse it to resume the agents')
    .option('--concurrency <n>', 'agents working at once', count, 100)
    .option('--duplicate-uploads', 'send every event batch and task result twice', false)
    .addOption(
      new Option('--extension-state <state>', 'what simulated Macs report of their extension')
        .choices([...EXTENSION_STATES])
        .default('approved'),
    )
    .action(
      async (options: {
        server: string;
        token: string;
        devices: number;
        checkins: number;
        events: number;
        taskOutcome: SimulatedOutcome;
        data?: string;
        concurrency: number;
        duplicateUploads: boolean;
        extensionState: ExtensionState;
      }) => {
        const summary = await simulateAgents({
          server: options.server,
          adminToken: options.token,
          devices: options.devices,
          checkins: options.checkins,
          eventsPerDevice: options.events,
          taskOutcome: options.taskOutcome,
          dataDir: options.data ?? mkdtempSync(join(tmpdir(), 'latch-agents-')),
          concurrency: Math.max(1, options.concurrency),
          duplicateUploads: options.duplicateUploads,
          macExtensionState: options.extensionState,
        });
        process.stdout.write(`${JSON.stringify(summary)}\n`);
      },
    );
}
