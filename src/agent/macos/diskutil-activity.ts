import type { MountDecision } from '../decide-mount.js';
import { volumeKey } from '../decide-mount.js';
import { wholeDiskOf } from '../disk-arbitration.js';
import { readDiskutilInfoPlist } from '../diskutil-info.js';
import { readDiskutilListPlist } from '../diskutil-list.js';
import type { MountedVolume } from '../enforcement-state.js';
import type { VolumeDescription } from '../volume-description.js';
import type { CommandRunner } from '../command-runner.js';
import type { StorageControl } from '../storage-control.js';
import { readUsbStorageDevices } from '../usb-topology.js';

/** One line of `diskutil activity`. */
export interface ActivityEvent {
  /** `DiskAppeared`, `DiskDescriptionChanged`, `DiskDisappeared`, `DiskMountApproval`, … */
  kind: string;
  device: string;
  /** Mount point decoded from DAVolumePath; undefined while not mounted (`<null>`). */
  mountPoint?: string;
  volumeKind?: string;
  volumeName?: string;
}

const LINE = /^\*\*\*(\w+) \('([^']+)'(.*)\)(?: Comment=.*?)?(?: Time=\S+)?\s*$/;

/** Parses one `diskutil activity` line; undefined for lines about no disk (`DAIdle`). */
export function parseActivityLine(line: string): ActivityEvent | undefined {
  const match = LINE.exec(line.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const fields = Object.fromEntries(
    [...(match[3] ?? '').matchAll(/(DA\w+) = '([^']*)'/g)].map(([, key, value]) => [key, value]),
  );
  const path = fields['DAVolumePath'];
  return {
    kind: match[1],
    device: match[2],
    mountPoint:
      path && path !== '<null>' && path.startsWith('file://')
        ? decodeURIComponent(new URL(path).pathname).replace(/(.)\/$/, '$1')
        : undefined,
    volumeKind: valueOf(fields['DAVolumeKind']),
    volumeName: valueOf(fields['DAVolumeName']),
  };
}

/** What the fallback adapter did about one volume. */
export interface ActivityOutcome {
  device: string;
  decision: MountDecision;
  commands: string[][];
}

/**
 * The macOS fallback when the Endpoint Security extension is not running: follows
 * DiskArbitration through `diskutil activity`, describes each volume that mounts with
 * `diskutil info -plist`, and carries out the storage control's decision with `diskutil`:
 * a refused volume is unmounted and its disk ejected (unmounted only, when the USB device is
 * composite, so a printer's other functions keep working); a read-only one is mounted again
 * read-only. Mounts happen before it can act: this is the weaker layer, and says so in Limits.
 */
export class DiskutilActivityAdapter {
  readonly #control: StorageControl;
  readonly #run: CommandRunner;
  readonly #user: () => string;

  constructor(control: StorageControl, run: CommandRunner, user: () => string) {
    this.#control = control;
    this.#run = run;
    this.#user = user;
  }

  async handleLine(line: string): Promise<ActivityOutcome | undefined> {
    const event = parseActivityLine(line);
    if (!event) return undefined;
    if (event.kind === 'DiskDisappeared') {
      this.#control.volumeUnmounted(`mac:${event.device}`);
      return undefined;
    }
    const mounted = event.kind === 'DiskDescriptionChanged' || event.kind === 'DiskAppeared';
    if (!mounted || event.mountPoint === undefined) return undefined;
    const described = readDiskutilInfoPlist(
      await this.#run('diskutil', ['info', '-plist', event.device]),
    );
    const volume = { ...described, device: event.device, mountPoint: event.mountPoint };
    const decision = this.#control.decideMount({ volume, key: volumeKey(volume) }, this.#user());
    const commands = await this.#commandsFor(event.device, decision, volume.protocol);
    for (const [command, ...args] of commands) await this.#run(command!, args);
    return { device: event.device, decision, commands };
  }

  /**
   * The volumes mounted now, from `diskutil list -plist` and `diskutil info -plist` of each
   * mounted one outside the boot volume group.
   */
  async mountedVolumes(): Promise<VolumeDescription[]> {
    const listed = readDiskutilListPlist(await this.#run('diskutil', ['list', '-plist']));
    const mounted: VolumeDescription[] = [];
    for (const entry of listed) {
      if (entry.mountPoint === undefined || entry.system || entry.device === undefined) continue;
      const info = readDiskutilInfoPlist(
        await this.#run('diskutil', ['info', '-plist', entry.device]),
      );
      mounted.push({ ...info, device: entry.device, mountPoint: entry.mountPoint });
    }
    return mounted;
  }

  /** Mounted volumes as the restriction's arrival records them (their user: the console user). */
  async mountedVolumeKeys(): Promise<MountedVolume[]> {
    return (await this.mountedVolumes()).map((v) => ({ key: volumeKey(v), user: this.#user() }));
  }

  /**
   * Decides every mounted volume again (at start, after new settings, after a logout) and carries
   * out the decisions: at boot nothing counts as already mounted.
   */
  async reconcile(): Promise<ActivityOutcome[]> {
    const outcomes: ActivityOutcome[] = [];
    for (const volume of await this.mountedVolumes()) {
      const decision = this.#control.decideMount({ volume, key: volumeKey(volume) }, this.#user());
      const commands = await this.#commandsFor(volume.device!, decision, volume.protocol);
      for (const [command, ...args] of commands) await this.#run(command!, args);
      if (commands.length > 0) outcomes.push({ device: volume.device!, decision, commands });
    }
    return outcomes;
  }

  async #commandsFor(
    device: string,
    decision: MountDecision,
    protocol: string | undefined,
  ): Promise<string[][]> {
    if (decision.decision === 'read-only') {
      return [
        ['diskutil', 'unmount', 'force', device],
        ['diskutil', 'mount', 'readOnly', device],
      ];
    }
    if (decision.decision !== 'deny') return [];
    const whole = wholeDiskOf(device);
    const composite = protocol === 'USB' && (await this.#isCompositeUsb(whole));
    return [
      ['diskutil', 'unmount', 'force', device],
      ...(composite ? [] : [['diskutil', 'eject', whole]]),
    ];
  }

  async #isCompositeUsb(whole: string): Promise<boolean> {
    const devices = readUsbStorageDevices(
      await this.#run('system_profiler', ['-json', 'SPUSBDataType']),
    );
    // A disk system_profiler does not place on any USB device counts as composite: unmounting
    // without ejecting never takes another function away.
    const device = devices.find((d) => d.disks.includes(whole));
    return device === undefined || device.composite;
  }
}

function valueOf(text: string | undefined): string | undefined {
  return text === undefined || text === '<null>' ? undefined : text;
}
