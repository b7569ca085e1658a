import { Command, CommanderError } from 'commander';
import { registerAgentCommand } from './agent-command.js';
import { registerProfileCommand } from './profile-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerSimulateCommand } from './simulate-command.js';
import { simulateGroup } from './simulate-group.js';
import { registerSimulateWindowsCommand } from './simulate-windows-command.js';
import { registerStoreCommand } from './store-command.js';
import { registerSimulateAgentCommand } from './simulate-agent-command.js';

const program = new Command('latch')
  .description('Latch device management server')
  .showHelpAfterError()
  .exitOverride();

registerServeCommand(program);
registerProfileCommand(program);
registerSimulateWindowsCommand(program);
registerSimulateCommand(program);
registerAgentCommand(program);
registerStoreCommand(program);

registerSimulateAgentCommand(simulateGroup(program));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  process.stderr.write(`latch: ${message}${cause}\n`);
  process.exit(1);
}
