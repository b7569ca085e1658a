import type { Storage } from '../storage/storage.js';
import type { CspCommand } from '../windows/csp-command.js';
import {
  DENY_ALL_URI,
  DENY_WRITE_URI,
  NOTHING_DENIED,
  readBack,
  settingsForMode,
  storageCommands,
} from '../windows/removable-storage.js';
import type { StorageSettings } from '../windows/removable-storage.js';
import { planForDevice } from './device-policies.js';
import type { PolicyEvents } from './policy-events.js';
import type { WindowsCommandView, WindowsCommands } from './windows-commands.js';

/** The origin tag of every command this module queues. */
export const STORAGE_ORIGIN_PREFIX = 'windows-storage:';

/** What Latch knows of one Windows device's removable-storage settings. */
export interface WindowsStorageState {
  /** The policy in force (null: none, so nothing is denied). */
  policyId: string | null;
  mode: 'block' | 'read-only' | 'audit' | null;
  desired: StorageSettings;
  /** What the device answered to the readback Gets; a field is null until it answered. */
  reported: { denyAll: boolean | null; denyWrite: boolean | null; readAt: number | null };
  /** applied: the device reads back what was wanted; pending: not read back yet. */
  status: 'pending' | 'applied' | 'mismatch';
  updatedAt: number;
}

function statusOf(state: WindowsStorageState): WindowsStorageState['status'] {
  const { reported, desired } = state;
  if (reported.denyAll === null || reported.denyWrite === null) return 'pending';
  const same = reported.denyAll === desired.denyAll && reported.denyWrite === desired.denyWrite;
  return same ? 'applied' : 'mismatch';
}

type StateStorage = Pick<Storage, 'getWindowsStorageState' | 'putWindowsStorageState'>;

export async function readStorageState(
  storage: StateStorage,
  deviceId: string,
): Promise<WindowsStorageState | null> {
  const text = await storage.getWindowsStorageState(deviceId);
  return text === null ? null : (JSON.parse(text) as WindowsStorageState);
}

/**
 * Delivers the storage-restriction policy to Windows devices: on every assignment change (the
 * policy engine's events) and at enrolment, plans the device, queues the Replace/Delete commands
 * its Policy CSP needs and Gets that read the nodes back, and records what the device reports.
 */
export class WindowsStoragePolicy {
  readonly #storage: Storage;
  readonly #commands: WindowsCommands;
  /** Answers are recorded one at a time: two readbacks of one message touch the same state. */
  #recording: Promise<void> = Promise.resolve();

  constructor(storage: Storage, commands: WindowsCommands) {
    this.#storage = storage;
    this.#commands = commands;
  }

  /** Listens to policy changes and to the devices' answers. */
  register(events: PolicyEvents): void {
    events.onPolicyChange(async ({ deviceIds }) => {
      for (const deviceId of deviceIds) await this.reconcile(deviceId);
    });
    this.#commands.onAnswer((answer) => {
      if (answer.origin?.startsWith(STORAGE_ORIGIN_PREFIX)) {
        this.#recording = this.#recording
          .then(() => this.recordAnswer(answer))
          .catch(() => undefined);
      }
    });
  }

  /**
   * Brings one device in line with its plan; does nothing for a device without a Windows
   * enrolment. `fresh` (a new enrolment) forgets what the old enrolment was told.
   */
  async reconcile(deviceId: string, options: { fresh?: boolean; now?: number } = {}) {
    const now = options.now ?? Date.now();
    if (!(await this.#storage.getWindowsEnrollment(deviceId))) return undefined;
    const planned = await planForDevice(this.#storage, deviceId, now);
    if (!planned) return undefined;
    const restriction = planned.plan.restriction;
    const mode = restriction?.mode ?? null;
    const desired = settingsForMode(mode, restriction?.exceptionUntil != null);
    const previous = options.fresh ? null : await readStorageState(this.#storage, deviceId);
    if (previous && previous.policyId === (restriction?.policyId ?? null)) {
      const same =
        previous.desired.denyAll === desired.denyAll &&
        previous.desired.denyWrite === desired.denyWrite;
      if (same && previous.status === 'applied') return previous;
    }
    const held = heldSettings(previous);
    const commands = storageCommands(desired, held);
    const origin = `${STORAGE_ORIGIN_PREFIX}${restriction?.policyId ?? 'none'}`;
    const state: WindowsStorageState = {
      policyId: restriction?.policyId ?? null,
      mode,
      desired,
      reported: { denyAll: null, denyWrite: null, readAt: null },
      status: 'pending',
      updatedAt: now,
    };
    await this.#storage.transaction(async (s) => {
      for (const command of commands) {
        await this.#commands.enqueue([deviceId], command as CspCommand, origin, now, s);
      }
      await s.putWindowsStorageState(deviceId, JSON.stringify(state));
    });
    return state;
  }

  /** Resolves once every answer received so far is recorded (tests and shutdown wait on it). */
  settled(): Promise<void> {
    return this.#recording;
  }

  /** Records what a readback Get (or a failed Replace) says about the device's real state. */
  async recordAnswer(answer: WindowsCommandView, now = Date.now()): Promise<void> {
    if (answer.command.verb !== 'Get' || !answer.result) return;
    const target = answer.command.items[0]?.target;
    const value = readBack(target ?? '', answer.result.status, answer.result.results[0]?.data);
    if (value === undefined) return;
    await this.#storage.transaction(async (s) => {
      const state = await readStorageState(s, answer.deviceId);
      if (!state) return;
      if (target === DENY_ALL_URI) state.reported.denyAll = value;
      if (target === DENY_WRITE_URI) state.reported.denyWrite = value;
      state.reported.readAt = now;
      state.status = statusOf(state);
      state.updatedAt = now;
      await s.putWindowsStorageState(answer.deviceId, JSON.stringify(state));
    });
  }
}

/** What the device holds as far as Latch knows: read back if it was, else what it was told. */
function heldSettings(previous: WindowsStorageState | null): StorageSettings {
  if (!previous) return { ...NOTHING_DENIED };
  return {
    denyAll: previous.reported.denyAll ?? previous.desired.denyAll,
    denyWrite: previous.reported.denyWrite ?? previous.desired.denyWrite,
  };
}
