import type { Command } from 'commander';
import { Option } from 'commander';
import { runFleet } from '../apple/simulator/fleet.js';
import { SIMULATED_MACOS_VERSIONS } from '../apple/simulator/simulated-device.js';
import { nonNegativeNumber, portNumber, positiveInteger, share } from './option-parsers.js';
import { simulateGroup } from './simulate-group.js';

export function registerSimulateCommand(program: Command) {
  const simulate = simulateGroup(program);
  simulate
    .command('apple')
    .description('simulated Macs and iPhones speaking Apple MDM to a Latch server')
    .requiredOption('--devices <n>', 'how many devices', positiveInteger)
    .requiredOption('--server <url>', 'the Latch server address')
    .requiredOption('--token <token>', 'an admin API token (creates the enrolment token)')
    .option('--iphones <share>', 'share of iPhones, 0 to 1', share, 0)
    .addOption(
      new Option('--macos <version>', 'the macOS version of the Macs (15.5 syncs declarations)')
        .choices(SIMULATED_MACOS_VERSIONS)
        .default('14.5'),
    )
    .option('--concurrency <n>', 'requests in flight at once', positiveInteger, 32)
    .option(
      '--apns-port <port>',
      'port of the APNs stand-in (the server LATCH_APNS_URL)',
      portNumber,
      2197,
    )
    .option('--duration <s>', 'stop after this many seconds (or at SIGTERM)', nonNegativeNumber)
    .option('--until-idle', 'stop once queues are empty and quiet for --quiet seconds')
    .option('--quiet <s>', 'quiet time that ends --until-idle', nonNegativeNumber, 3)
    .option(
      '--ceiling <s>',
      'first measure the constant-plist route for this many seconds',
      nonNegativeNumber,
    )
    .action(
      async (options: {
        devices: number;
        server: string;
        token: string;
        iphones: number;
        macos: string;
        concurrency: number;
        apnsPort: number;
        duration?: number;
        untilIdle?: boolean;
        quiet: number;
        ceiling?: number;
      }) => {
        if (options.duration === undefined && !options.untilIdle) {
          throw new Error('give --duration or --until-idle');
        }
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        const report = await runFleet({
          stop: stop.signal,
          devices: options.devices,
          server: options.server.replace(/\/+$/, ''),
          token: options.token,
          iphoneShare: options.iphones,
          macosVersion: options.macos,
          concurrency: options.concurrency,
          apnsPort: options.apnsPort,
          durationMs: options.duration === undefined ? undefined : options.duration * 1000,
          quietMs: options.untilIdle ? options.quiet * 1000 : undefined,
          ceilingMs: options.ceiling === undefined ? undefined : options.ceiling * 1000,
          progress: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(`${JSON.stringify(report)}\n`);
      },
    );
}
