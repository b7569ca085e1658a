import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AgentClient } from '../agent/agent-client.js';
import { AgentRunner } from '../agent/agent-runner.js';
import { runExecTask } from '../agent/exec-task.js';
import { bootIdentifier } from '../agent/boot-id.js';
import { localCommandRunner } from '../agent/command-runner.js';
import { followLines } from '../agent/follow-lines.js';
import { linuxMachineIdentity } from '../agent/linux/linux-machine.js';
import { LinuxStorageAdapter } from '../agent/linux/linux-storage-adapter.js';
import { localLinuxSystem } from '../agent/linux/linux-system.js';
import { DiskutilActivityAdapter } from '../agent/macos/diskutil-activity.js';
import { MOUNT_EVENT_KIND } from '../agent/mount-report.js';
import { readAppliedSettings } from '../agent/settings-file.js';
import { StorageControl } from '../agent/storage-control.js';
import { createLogger } from '../logger.js';
import { version } from './version.js';

interface RunOptions {
  server: string;
  enrollmentToken?: string;
  data: string;
}

/**
 * `latch agent run --server URL --enrollment-token T [--data DIR]`: enrols once (the identity is
 * kept in DIR), then checks in, applies the settings it pulls, enforces the storage restriction
 * and uploads the mount reports, queued on disk. Linux uses udev and findmnt; macOS, without the
 * native Endpoint Security extension, the `diskutil activity` fallback.
 */
export function registerAgentRunCommand(agent: Command) {
  agent
    .command('run')
    .description('enrol this machine and run the agent')
    .requiredOption('--server <url>', 'the Latch server')
    .option('--enrollment-token <token>', 'enrolment token (needed for the first run only)')
    .option('--data <dir>', 'agent data directory', '/var/lib/latch-agent')
    .action(async (options: RunOptions) => runAgent(options));
}

async function runAgent(options: RunOptions) {
  const logger = createLogger(process.env['LATCH_LOG_LEVEL'] ?? 'info');
  await mkdir(options.data, { recursive: true, mode: 0o700 });
  const identityFile = join(options.data, 'identity.json');
  const machine = await linuxMachineIdentity();
  const platform = process.platform === 'darwin' ? 'macos' : 'linux';
  const state = { osVersion: machine.osVersion, agentVersion: version, name: machine.name };
  let secret = await readFile(identityFile, 'utf8').then(
    (text) => (JSON.parse(text) as { deviceSecret: string }).deviceSecret,
    () => undefined,
  );
  const client = new AgentClient(options.server, secret ? { deviceSecret: secret } : undefined);
  if (!secret) {
    if (!options.enrollmentToken) throw new Error('not enrolled yet: pass --enrollment-token');
    const enrolled = await client.enroll({
      enrollmentToken: options.enrollmentToken,
      platform,
      ...machine,
      agentVersion: version,
    });
    secret = enrolled.deviceSecret;
    await writeFile(identityFile, JSON.stringify(enrolled), { mode: 0o600 });
    logger.info({ deviceId: enrolled.deviceId }, 'enrolled');
  }

  const identity = JSON.parse(await readFile(identityFile, 'utf8')) as {
    deviceId: string;
    deviceSecret: string;
  };
  const credential = { deviceId: identity.deviceId, deviceSecret: identity.deviceSecret };
  const console = () => process.env['SUDO_USER'] ?? userInfo().username;
  // The runner queues the reports but needs the storage control for its settings: it comes later.
  const reports: { runner?: AgentRunner } = {};
  const applied = await readAppliedSettings(options.data);
  const control = new StorageControl(
    {
      bootId: await bootIdentifier(),
      now: Date.now,
      newEventId: randomUUID,
      onReport: (report) => {
        reports.runner
          ?.recordEvent(MOUNT_EVENT_KIND, { ...report }, report.occurredAt)
          .catch((error) => {
            logger.error({ err: error }, 'queueing a mount report failed');
          });
      },
      onNotice: (notice) => logger.warn({ notice }, 'mount refused'),
    },
    applied?.settings.storageRestriction ?? null,
  );
  const run = localCommandRunner();
  const linux =
    platform === 'linux'
      ? new LinuxStorageAdapter(control, localLinuxSystem(), console)
      : undefined;
  const mac = platform === 'macos' ? new DiskutilActivityAdapter(control, run, console) : undefined;
  const reconcile = () => (linux ? linux.reconcile() : mac!.reconcile());
  const runner = new AgentRunner({
    client,
    dataDir: options.data,
    collectState: async () => ({ ...state, extensionState: 'absent', volumes: [] }),
    runTask: (task) => runExecTask(task, credential),
    onSettings: async (fresh) => {
      const mounted = linux ? await linux.mountedVolumes() : await mac!.mountedVolumeKeys();
      control.applySettings(fresh.settings.storageRestriction, mounted);
      await reconcile();
    },
  });

  reports.runner = runner;
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  process.once('SIGINT', () => stop.abort());
  const onError = (error: unknown) => logger.warn({ err: error }, 'agent step failed');
  await reconcile().catch(onError);
  await Promise.all([
    runner.run(stop.signal, onError),
    linux
      ? linux.follow(stop.signal, onError)
      : followLines(
          'diskutil',
          ['activity'],
          (line) => mac!.handleLine(line).catch(onError),
          stop.signal,
        ),
  ]);
  client.close();
}
