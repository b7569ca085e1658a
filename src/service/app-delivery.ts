import type { DeviceAppState, StoreApp } from '../catalog/msstore/store-app.js';
import {
  interpretWingetExit,
  parseWingetListVersion,
  wingetInstallCommand,
  wingetListCommand,
  wingetUninstallCommand,
} from '../catalog/msstore/winget-command.js';
import type { Storage } from '../storage/storage.js';
import {
  storeInstallCommand,
  storeInstallStatusQueries,
  storeUninstallCommand,
} from '../windows/modern-app-commands.js';
import type { AgentTask, AgentTasks } from './agent/agent-tasks.js';
import type { WindowsCommandView, WindowsCommands } from './windows-commands.js';
import { WAITING_FOR_TERMS, reconcileAppDevices } from './app-deployments.js';
import { reportAppResult, reportStoreInstallAnswers } from './app-results.js';

/** The parts of the two channels app delivery uses. */
export interface AppChannels {
  windows: Pick<WindowsCommands, 'enqueue' | 'onAnswer'>;
  agent: Pick<AgentTasks, 'enqueue' | 'onResult'>;
}

/** winget exit codes the agent counts as success (installed, or installed pending a restart). */
const WINGET_SUCCESS = [0, -1978335189, -1978335135, -1978334967, -1978334965, -1978334963];

class LostClaim extends Error {}

const origin = (appId: string) => `app:${appId}`;
const appOf = (tag: string | null) => (tag?.startsWith('app:') ? tag.slice(4) : undefined);

/**
 * Turns per-device app states into channel work and channel answers back into states.
 * `dispatch` queues what is pending: StoreInstall (or the AppStore Delete) over Windows MDM,
 * a winget task through the agent. Store installs send no completion alert, so `dispatch` also
 * re-polls Status, LastError, LastErrorDesc and the AppStore node of installs still running.
 * `handleWindowsAnswer` and `handleAgentResult` are the channels' listeners.
 */
export class AppDelivery {
  readonly #storage: Storage;
  readonly #windows: AppChannels['windows'];
  readonly #agent: AppChannels['agent'];
  readonly #pollIntervalMs: number;
  /** Answers are handled one at a time: a poll round's answers touch the same state. */
  #handling: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(storage: Storage, channels: AppChannels, options: { pollIntervalMs: number }) {
    this.#storage = storage;
    this.#windows = channels.windows;
    this.#agent = channels.agent;
    this.#pollIntervalMs = options.pollIntervalMs;
  }

  /**
   * Listens to both channels' answers and, every `intervalMs`, reconciles group membership and
   * dispatches what is due. `stop` ends it.
   */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    const serial = (work: () => Promise<void>) => {
      this.#handling = this.#handling.then(work).catch(onError);
    };
    this.#windows.onAnswer((answer) => {
      if (appOf(answer.origin)) serial(() => this.handleWindowsAnswer(answer));
    });
    this.#agent.onResult((task) => {
      if (appOf(task.origin)) serial(() => this.handleAgentResult(task));
    });
    this.#timer = setInterval(() => {
      this.tick().catch(onError);
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One round of the timer: give devices that joined groups their states, then dispatch. */
  async tick(now = Date.now()): Promise<number> {
    for (const app of await this.#storage.listStoreApps()) {
      await reconcileAppDevices(this.#storage, app.id);
    }
    return this.dispatch(now);
  }

  /** Queues every pending delivery and the polls that are due; returns how many were queued. */
  async dispatch(now = Date.now()): Promise<number> {
    let queued = 0;
    const states = await this.#storage.listDeviceAppStates({ states: ['pending', 'installing'] });
    for (const state of states) {
      const app = await this.#storage.getStoreApp(state.appId);
      if (!app) continue;
      if (state.state === 'pending' && !state.deliveryRef && state.reason !== WAITING_FOR_TERMS) {
        await this.#deliver(app, state);
        queued++;
      } else if (
        state.state === 'installing' &&
        state.path === 'mdm' &&
        state.intent === 'install' &&
        now - state.updatedAt >= this.#pollIntervalMs
      ) {
        await this.#poll(app, state);
        queued++;
      }
    }
    return queued;
  }

  async #deliver(app: StoreApp, state: DeviceAppState) {
    await this.#claimed(state, async (within) => {
      if (state.path === 'mdm' && app.packageFamilyName) {
        const command =
          state.intent === 'install'
            ? storeInstallCommand(
                { storeId: app.storeId, packageFamilyName: app.packageFamilyName },
                state.context,
              )
            : storeUninstallCommand(app.packageFamilyName, state.context);
        const ids = await this.#windows.enqueue(
          [state.deviceId],
          command,
          origin(app.id),
          undefined,
          within,
        );
        return ids.get(state.deviceId);
      }
      if (state.path !== 'agent') return undefined;
      const line =
        state.intent === 'install'
          ? wingetInstallCommand(app.storeId, state.context)
          : wingetUninstallCommand(app.storeId, state.context);
      const spec = {
        kind: 'exec',
        arguments: {
          command: line.command,
          args: line.args,
          runAs: line.runAs,
          successExitCodes: state.intent === 'install' ? WINGET_SUCCESS : [0],
        },
        origin: origin(app.id),
      };
      const [task] = await this.#agent.enqueue([state.deviceId], spec, within);
      return task?.id;
    });
  }

  async #poll(app: StoreApp, state: DeviceAppState) {
    const pfn = app.packageFamilyName;
    if (!pfn) return;
    await this.#claimed(state, async (within) => {
      const queries = storeInstallStatusQueries(pfn, state.context);
      let last: string | undefined;
      for (const query of [
        queries.status,
        queries.lastError,
        queries.lastErrorDesc,
        queries.installed,
      ]) {
        const ids = await this.#windows.enqueue(
          [state.deviceId],
          query,
          origin(app.id),
          undefined,
          within,
        );
        last = ids.get(state.deviceId);
      }
      return last;
    });
  }

  /**
   * Queues work and records its id as the state's delivery reference in one transaction, only
   * if the reference is still the one this server read: with several servers, one queues.
   */
  async #claimed(state: DeviceAppState, queue: (within: Storage) => Promise<string | undefined>) {
    await this.#storage
      .transaction(async (s) => {
        const ref = await queue(s);
        if (!ref) return;
        const won = await s.swapDeliveryRef(state.appId, state.deviceId, state.deliveryRef, ref);
        if (!won) throw new LostClaim();
      })
      .catch((error: unknown) => {
        if (!(error instanceof LostClaim)) throw error;
      });
  }

  /** Reads a Windows answer to one of our commands into the device's app state. */
  async handleWindowsAnswer(answer: WindowsCommandView): Promise<void> {
    const appId = appOf(answer.origin);
    const target = answer.command.verb === 'Atomic' ? '' : (answer.command.items[0]?.target ?? '');
    if (!appId || !answer.result) return;
    const state = await this.#storage.getDeviceAppState(appId, answer.deviceId);
    const app = await this.#storage.getStoreApp(appId);
    if (!state || !app || state.path !== 'mdm') return;
    const { status, meaning } = answer.result;
    const ok = status >= 200 && status < 300;
    const base = { appId, deviceId: answer.deviceId, path: 'mdm' as const };

    if (answer.command.verb === 'Exec' && target.endsWith('/StoreInstall')) {
      if (!ok) {
        await reportAppResult(this.#storage, {
          ...base,
          state: 'failed',
          errorCode: `SyncML ${status}`,
          errorMeaning: meaning,
        });
        return;
      }
      await reportAppResult(this.#storage, {
        ...base,
        state: 'installing',
        deliveryRef: answer.id,
      });
      const installing = await this.#storage.getDeviceAppState(appId, answer.deviceId);
      if (installing) await this.#poll(app, installing);
      return;
    }
    if (answer.command.verb === 'Delete') {
      const gone = ok || status === 404;
      await reportAppResult(this.#storage, {
        ...base,
        state: gone ? 'removed' : 'failed',
        errorCode: gone ? null : `SyncML ${status}`,
        errorMeaning: gone ? null : meaning,
      });
      return;
    }
    if (answer.command.verb === 'Get' && answer.id === state.deliveryRef) {
      await this.#readPollRound(appId, answer);
    }
  }

  /** The AppStore Get closes a poll round: read the round's other answers from the queue. */
  async #readPollRound(appId: string, last: WindowsCommandView) {
    const rows = await this.#storage.listCommands({
      deviceId: last.deviceId,
      channel: 'windows',
      origin: origin(appId),
      limit: 20,
    });
    const latest = (leaf: string) => {
      const row = rows.find((r) => r.result !== null && r.payload.includes(`/${leaf}"`));
      if (!row?.result) return undefined;
      return JSON.parse(row.result) as { status: number; results: { data: string | null }[] };
    };
    const value = (leaf: string) => {
      const answer = latest(leaf);
      return answer && answer.status === 200 ? (answer.results[0]?.data ?? null) : null;
    };
    const status = value('Status');
    const lastError = value('LastError');
    const installed = last.result?.status === 200 ? (last.result.results[0]?.data ?? '') : '';
    await reportStoreInstallAnswers(this.#storage, {
      appId,
      deviceId: last.deviceId,
      answers: {
        status: status === null ? null : Number(status),
        lastError: lastError === null ? null : Number(lastError),
        lastErrorDesc: value('LastErrorDesc'),
        installedPackages: installed.split('/').filter((name) => name.length > 0),
      },
    });
  }

  /**
   * Reads an agent task's result into the device's app state: winget's exit code for an install
   * or uninstall; for the `winget list` that follows a successful install, the version.
   */
  async handleAgentResult(task: AgentTask): Promise<void> {
    const appId = appOf(task.origin);
    if (!appId) return;
    const state = await this.#storage.getDeviceAppState(appId, task.deviceId);
    if (!state || state.path !== 'agent' || state.deliveryRef !== task.id) return;
    const base = { appId, deviceId: task.deviceId, path: 'agent' as const };
    const exitCode = task.result?.exitCode ?? null;
    const app = await this.#storage.getStoreApp(appId);
    if (!app) return;
    if ((task.arguments.args as unknown[] | undefined)?.[0] === 'list') {
      const version = parseWingetListVersion(task.result?.outputTail ?? '', app.storeId);
      if (version) await this.#storage.putDeviceAppState({ ...state, version });
      return;
    }
    if (exitCode === null) {
      await reportAppResult(this.#storage, {
        ...base,
        state: 'failed',
        errorMeaning: task.result?.error ?? task.error ?? 'winget could not be run',
      });
      return;
    }
    const outcome = interpretWingetExit(exitCode);
    if (state.intent === 'uninstall') {
      await reportAppResult(this.#storage, {
        ...base,
        state: exitCode === 0 ? 'removed' : 'failed',
        errorCode: outcome.code,
        errorMeaning: exitCode === 0 ? null : outcome.meaning,
      });
      return;
    }
    const reported = await reportAppResult(this.#storage, {
      ...base,
      state: outcome.state,
      errorCode: outcome.code,
      errorMeaning: outcome.state === 'installed' ? null : outcome.meaning,
      reason: outcome.state === 'not-applicable' ? outcome.meaning : null,
    });
    if (reported?.state === 'installed') await this.#askVersion(app, reported);
  }

  async #askVersion(app: StoreApp, state: DeviceAppState) {
    await this.#claimed(state, async (within) => {
      const line = wingetListCommand(app.storeId, state.context);
      const spec = {
        kind: 'exec',
        arguments: { command: line.command, args: line.args, runAs: line.runAs },
        origin: origin(app.id),
      };
      const [task] = await this.#agent.enqueue([state.deviceId], spec, within);
      return task?.id;
    });
  }
}
