import type { Command } from 'commander';
import { registerAgentClassifyCommand } from './agent-classify-command.js';
import { registerAgentRunCommand } from './agent-run-command.js';

/** `latch agent …`: the on-device agent's commands. */
export function registerAgentCommand(program: Command) {
  const agent = program.command('agent').description('the Latch agent that runs on devices');
  registerAgentClassifyCommand(agent);
  registerAgentRunCommand(agent);
}
