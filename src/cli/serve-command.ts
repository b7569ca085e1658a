import type { Command } from 'commander';
import { readConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { startServer } from '../main.js';
import { portNumber } from './option-parsers.js';

export function registerServeCommand(program: Command) {
  program
    .command('serve')
    .description('run the Latch server')
    .option('--port <port>', 'port to listen on (env PORT, default 8080)', portNumber)
    .option('--data <dir>', 'data directory (env LATCH_DATA_DIR, default ./data)')
    .action(async (options: { port?: number; data?: string }) => {
      const config = readConfig(process.env, { port: options.port, dataDir: options.data });
      const logger = createLogger(config.logLevel);
      const server = await startServer(config, logger);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'draining requests and closing the database');
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
