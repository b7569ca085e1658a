import type { Command } from 'commander';
import { runWindowsFleet } from '../windows/simulator/fleet.js';

const integer = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${value} is not a whole number`);
  return n;
};

/** The `simulate` command group, shared with the other platforms' simulators. */
export function simulateGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'simulate') ??
    program.command('simulate').description('run simulated devices against a Latch server')
  );
}

/**
 * `latch simulate windows`: enrols simulated Windows PCs (MS-MDE2) and runs their OMA-DM
 * sessions, then prints one JSON line with what happened. SIGINT or SIGTERM stops polling early.
 */
export function registerSimulateWindowsCommand(program: Command) {
  simulateGroup(program)
    .command('windows')
    .description('enrol simulated Windows devices and speak OMA-DM with the server')
    .requiredOption('--server <url>', 'the Latch server, e.g. http://127.0.0.1:8080')
    .requiredOption('--token <token>', 'an admin API token (creates the enrolment token)')
    .option('--devices <n>', 'how many devices', integer, 10)
    .option(
      '--duration <seconds>',
      'keep polling this long; 0 runs --sessions and stops',
      integer,
      0,
    )
    .option('--sessions <n>', 'sessions per device when --duration is 0', integer, 1)
    .option('--poll-ms <ms>', 'pause between one device’s sessions', integer, 1000)
    .option('--concurrency <n>', 'requests in flight at once', integer, 64)
    .option(
      '--client-cert-header <name>',
      'header carrying the certificate over http://',
      'x-client-cert',
    )
    .action(
      async (options: {
        server: string;
        token: string;
        devices: number;
        duration: number;
        sessions: number;
        pollMs: number;
        concurrency: number;
        clientCertHeader: string;
      }) => {
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        const report = await runWindowsFleet({
          server: options.server,
          adminToken: options.token,
          devices: options.devices,
          durationMs: options.duration * 1000,
          sessionsPerDevice: options.sessions,
          pollMs: options.pollMs,
          concurrency: Math.max(options.concurrency, 1),
          clientCertHeader: options.clientCertHeader.toLowerCase(),
          signal: stop.signal,
        });
        process.stdout.write(
          `${JSON.stringify({
            enrolled: report.enrolled,
            sessions: report.sessions,
            commands: report.commands,
            messages: report.messages,
            failures: report.failures,
          })}\n`,
        );
        if (report.failures > 0) process.exitCode = 1;
      },
    );
}
