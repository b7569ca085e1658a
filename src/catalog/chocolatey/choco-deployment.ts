import type { AgentTask, AgentTasks } from '../../service/agent/agent-tasks.js';
import type { ChocoDeviceInstall } from '../../storage/roles/chocolatey.js';
import type { Storage } from '../../storage/storage.js';
import { buildChocoUpgrade, chocoOutcome } from './choco-task.js';
import { normalizeNugetVersion, packageKey } from './nuget-package.js';

/** Where devices find Latch's NuGet v2 feed, below the server's public URL. */
export const FEED_PATH = '/chocolatey/api/v2';

/** The `--source` agents give choco: Latch's feed, which is their only source. */
export const feedUrlOf = (publicUrl: string) => `${publicUrl}${FEED_PATH}/`;

/** Exit codes the agent reports as `succeeded`; the server maps every code itself anyway. */
export const CHOCO_SUCCESS_EXIT_CODES = [0, 1641, 3010, 2];
const ORIGIN = 'chocolatey:';

/**
 * Queues `choco upgrade` agent tasks for the devices waiting on a package (pending, no task),
 * once the package is in the cache: a package upstream has not yet given stays pending, so
 * nothing is lost while upstream refuses. Devices that are not Windows PCs are marked not
 * applicable; PCs without the agent wait for it. Answers how many tasks were queued.
 */
export async function dispatchChocoInstalls(
  storage: Storage,
  tasks: AgentTasks,
  feedUrl: string,
  only?: { packageRef: string },
): Promise<number> {
  const packages = only
    ? [await storage.getChocoPackage(only.packageRef)].flatMap((p) => (p ? [p] : []))
    : await storage.listChocoPackages();
  let queued = 0;
  for (const pkg of packages) {
    const waiting = (await storage.listInstalls({ packageRef: pkg.id })).filter(
      (install) => install.state === 'pending' && install.taskId === null,
    );
    if (waiting.length === 0) continue;
    const cached = await storage.getCachedVersion(
      packageKey(pkg.packageId),
      normalizeNugetVersion(pkg.version),
    );
    if (!cached?.fileSha512) continue;
    const windows: string[] = [];
    for (const install of waiting) {
      const device = await storage.getDevice(install.deviceId);
      if (device?.platform === 'windows') windows.push(install.deviceId);
      else {
        await storage.updateInstall(
          install.deviceId,
          pkg.id,
          { state: 'not_applicable', detail: 'Chocolatey installs run on Windows PCs only' },
          Date.now(),
        );
      }
    }
    // A PC without the agent cannot run choco: it stays pending, and a later round (every
    // minute) queues its task once the agent has enrolled.
    const withAgent = await storage.devicesOnChannel('agent', windows);
    for (const deviceId of windows.filter((id) => !withAgent.includes(id))) {
      await storage.updateInstall(
        deviceId,
        pkg.id,
        { state: 'pending', detail: 'waiting for the Latch agent on this PC' },
        Date.now(),
      );
    }
    if (withAgent.length === 0) continue;
    const command = buildChocoUpgrade(pkg.packageId, pkg.version, feedUrl);
    await storage.transaction(async (s) => {
      const spec = {
        kind: 'exec',
        arguments: {
          command: command.program,
          args: command.args,
          successExitCodes: CHOCO_SUCCESS_EXIT_CODES,
        },
        origin: `${ORIGIN}${pkg.id}`,
      };
      const now = Date.now();
      for (const task of await tasks.enqueue(withAgent, spec, s)) {
        await s.updateInstall(
          task.deviceId,
          pkg.id,
          { state: 'installing', taskId: task.id, detail: null },
          now,
        );
      }
    });
    queued += withAgent.length;
  }
  return queued;
}

/**
 * Records the result of a `choco upgrade` task in the device's install state; other tasks are
 * ignored (undefined). A restart standing in the way (350, 1604) or another install running
 * (1618) leaves the install pending without a task, so a later round queues it again.
 */
export async function recordChocoTask(
  storage: Storage,
  task: AgentTask,
): Promise<ChocoDeviceInstall | undefined> {
  if (!task.origin?.startsWith(ORIGIN) || !task.result) return undefined;
  const packageRef = task.origin.slice(ORIGIN.length);
  const { exitCode } = task.result;
  const now = Date.now();
  if (exitCode === null) {
    return storage.updateInstall(
      task.deviceId,
      packageRef,
      {
        state: 'failed',
        exitCode: null,
        detail: task.result.error ?? 'the agent could not run choco',
      },
      now,
    );
  }
  const outcome = chocoOutcome(exitCode);
  return storage.updateInstall(
    task.deviceId,
    packageRef,
    {
      state: outcome.state,
      exitCode,
      detail: outcome.meaning,
      rebootRequired: outcome.rebootRequired,
      ...(outcome.state === 'pending' ? { taskId: null } : {}),
    },
    now,
  );
}
