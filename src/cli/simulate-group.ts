import type { Command } from 'commander';

/** The `simulate` command group that every platform's simulator registers under. */
export function simulateGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'simulate') ??
    program.command('simulate').description('run simulated devices against a Latch server')
  );
}
