import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { MountDecision } from '../decide-mount.js';
import { volumeKey } from '../decide-mount.js';
import { describeDiskArbitration } from '../disk-arbitration.js';
import { describeDiskutilInfo } from '../diskutil-info.js';
import type { PlistDictionary } from '../plist-input.js';
import type { StorageControl } from '../storage-control.js';
import type { VolumeDescription } from '../volume-description.js';
import { isMacSystemMount } from '../volume-description.js';

/**
 * A message from the native Endpoint Security extension, one JSON object per line on stdin:
 * - `auth-mount` / `auth-remount`: ES_EVENT_TYPE_AUTH_MOUNT / AUTH_REMOUNT with `id`, `deadline`
 *   (epoch ms by which ES needs the answer), `user`, `device` (BSD name), `mountPoint`, `fsType`,
 *   `flags` (mount flags, e.g. `rdonly`, `noexec`) and, when the extension could get it,
 *   `description` (the DiskArbitration dictionary, or `diskutil info -plist` keys);
 * - `unmount`: a volume went away (`device`, `volumeKey` optional);
 * - `logout`: a user logged out (`user`).
 */
export type BridgeMessage =
  | ({ type: 'auth-mount' | 'auth-remount' } & AuthMount)
  | { type: 'unmount'; device: string; volumeKey?: string }
  | { type: 'logout'; user: string };

export interface AuthMount {
  id: string;
  deadline: number;
  user: string;
  device: string;
  mountPoint: string;
  fsType: string;
  flags: string[];
  description?: PlistDictionary;
}

/**
 * The answer, one JSON object per line on stdout: `verdict` is what ES is told (`allow` or
 * `deny`); `decision` and `rule` say why. `mountReadOnly` asks the extension to mount the volume
 * again with `rdonly,noexec` (read-only mode, when the request did not already carry both flags).
 */
export interface BridgeVerdict {
  id: string;
  verdict: 'allow' | 'deny';
  decision: MountDecision['decision'];
  rule: string;
  mountReadOnly?: true;
}

export interface EsBridgeOptions {
  /** Writes one line to the extension. */
  write(line: string): void;
  /** Describes a device when the event came without a description (`diskutil info -plist`). */
  describe(device: string): Promise<VolumeDescription>;
  now(): number;
  /** Time kept in hand before the ES deadline to write the answer (ms). */
  marginMs?: number;
}

/**
 * The macOS Endpoint Security bridge. Every decision comes from the storage control; the bridge
 * only reads events, finds the description, keeps the deadline and writes verdicts. When a
 * description cannot be had before the deadline the mount is denied (fail closed), unless it is
 * a volume of the running system.
 */
export class EsBridge {
  readonly #control: StorageControl;
  readonly #options: EsBridgeOptions;

  constructor(control: StorageControl, options: EsBridgeOptions) {
    this.#control = control;
    this.#options = options;
  }

  /**
   * Reads the extension's messages from `input` until it ends. Events are handled side by side:
   * each verdict carries its id, and one slow description must not hold the others past their
   * deadlines.
   */
  async serve(input: Readable): Promise<void> {
    const pending = new Set<Promise<unknown>>();
    for await (const line of createInterface({ input })) {
      const work = this.handleLine(line).finally(() => pending.delete(work));
      pending.add(work);
    }
    await Promise.all(pending);
  }

  /** Handles one line from the extension; a line that is not a message is ignored. */
  async handleLine(line: string): Promise<BridgeVerdict | undefined> {
    let message: BridgeMessage;
    try {
      message = JSON.parse(line) as BridgeMessage;
    } catch {
      return undefined;
    }
    switch (message.type) {
      case 'logout':
        this.#control.userLoggedOut(message.user);
        return undefined;
      case 'unmount':
        this.#control.volumeUnmounted(message.volumeKey ?? `mac:${message.device}`);
        return undefined;
      case 'auth-mount':
      case 'auth-remount': {
        const verdict = await this.#decide(message);
        this.#options.write(JSON.stringify(verdict));
        return verdict;
      }
      default:
        return undefined;
    }
  }

  async #decide(event: AuthMount & { type: string }): Promise<BridgeVerdict> {
    const volume = await this.#describeInTime(event);
    if (!volume) {
      const system = isMacSystemMount(event.mountPoint);
      return {
        id: event.id,
        verdict: system ? 'allow' : 'deny',
        decision: system ? 'allow' : 'deny',
        rule: system ? 'system-disk' : 'decision-timeout',
      };
    }
    const readOnlyFlags = event.flags.includes('rdonly') && event.flags.includes('noexec');
    const decision =
      event.type === 'auth-remount'
        ? this.#control.decideRemount(
            { volume, key: volumeKey(volume), readWrite: !event.flags.includes('rdonly') },
            event.user,
          )
        : this.#control.decideMount({ volume, key: volumeKey(volume) }, event.user);
    const base = { id: event.id, decision: decision.decision, rule: decision.rule };
    if (decision.decision === 'read-only') {
      return readOnlyFlags
        ? { ...base, verdict: 'allow' }
        : { ...base, verdict: 'deny', mountReadOnly: true };
    }
    return { ...base, verdict: decision.decision === 'deny' ? 'deny' : 'allow' };
  }

  async #describeInTime(event: AuthMount): Promise<VolumeDescription | undefined> {
    const known: VolumeDescription = {
      source: 'disk-arbitration',
      device: event.device,
      mountPoint: event.mountPoint,
      fileSystem: event.fsType,
      system: isMacSystemMount(event.mountPoint) || undefined,
    };
    if (event.description) return { ...describeEvent(event.description), ...defined(known) };
    const left = event.deadline - this.#options.now() - (this.#options.marginMs ?? 50);
    if (left <= 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), left);
    });
    const described = this.#options.describe(event.device).then(
      (volume) => ({ ...volume, ...defined(known) }),
      () => undefined,
    );
    try {
      return await Promise.race([described, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function describeEvent(description: PlistDictionary): VolumeDescription {
  const isDiskArbitration = Object.keys(description).some((key) => key.startsWith('DA'));
  return isDiskArbitration
    ? describeDiskArbitration(description)
    : describeDiskutilInfo(description, 'diskutil-info-plist');
}

function defined(volume: VolumeDescription): Partial<VolumeDescription> {
  return Object.fromEntries(Object.entries(volume).filter(([, v]) => v !== undefined));
}
