import type { MountDecision } from '../decide-mount.js';
import type { MountedVolume } from '../enforcement-state.js';
import { followLines } from '../follow-lines.js';
import { volumeKey } from '../decide-mount.js';
import { readLsblkJson } from '../lsblk.js';
import type { StorageControl } from '../storage-control.js';
import type { VolumeDescription } from '../volume-description.js';
import type { MountTableChange } from './findmnt-events.js';
import { FINDMNT_COLUMNS, parseMountTableChange } from './findmnt-events.js';
import type { LinuxAction, LinuxSystem } from './linux-enforcement.js';
import { applyLinuxAction, planLinuxEnforcement } from './linux-enforcement.js';
import type { UdevEvent } from './udev-events.js';
import { UdevEventSplitter, usbInterfaceOf } from './udev-events.js';

/** What the adapter did about one device. */
export interface LinuxOutcome {
  device: string;
  decision: MountDecision;
  actions: LinuxAction[];
}

/**
 * The Linux adapter: follows block devices (udev events) and the mount table (findmnt), describes
 * each device with `lsblk --json -O`, asks the storage control, and refuses by unmounting and
 * deauthorising the USB mass-storage interface, or makes media read-only (`blockdev --setro`,
 * remount `ro,noexec`). It holds no rule of its own.
 */
export class LinuxStorageAdapter {
  readonly #control: StorageControl;
  readonly #system: LinuxSystem;
  readonly #user: () => string;

  constructor(control: StorageControl, system: LinuxSystem, user: () => string) {
    this.#control = control;
    this.#system = system;
    this.#user = user;
  }

  /**
   * Follows udev block events and mount-table changes until `signal` aborts. Errors of one event
   * (a device gone before lsblk saw it) are passed to `onError` and do not stop the others.
   */
  async follow(signal: AbortSignal, onError: (error: unknown) => void): Promise<void> {
    const udev = new UdevEventSplitter();
    const guard = (work: Promise<unknown>) => work.catch(onError);
    await Promise.all([
      followLines(
        'udevadm',
        ['monitor', '--udev', '--property', '--subsystem-match=block'],
        async (line) => {
          const event = udev.push(line);
          if (event) await guard(this.handleBlockEvent(event));
        },
        signal,
      ),
      followLines(
        'findmnt',
        ['--poll', '-r', '-n', '-o', FINDMNT_COLUMNS],
        async (line) => {
          const change = parseMountTableChange(line);
          if (change) await guard(this.handleMountChange(change));
        },
        signal,
      ),
    ]);
  }

  /** The volumes mounted now, for the restriction's arrival (they stay until restart or logout). */
  async mountedVolumes(): Promise<MountedVolume[]> {
    const volumes = readLsblkJson(await this.#system.run('lsblk', ['--json', '-O']));
    return volumes
      .filter((volume) => volume.mountPoint !== undefined)
      .map((volume) => ({ key: volumeKey(volume), user: this.#user() }));
  }

  /**
   * Decides every mounted volume again (at start, after new settings, after a logout) and
   * carries out the decisions: at boot nothing counts as already mounted.
   */
  async reconcile(): Promise<LinuxOutcome[]> {
    const volumes = readLsblkJson(await this.#system.run('lsblk', ['--json', '-O']));
    const outcomes: LinuxOutcome[] = [];
    for (const volume of volumes) {
      if (volume.mountPoint === undefined || volume.device === undefined) continue;
      const decision = this.#control.decideMount({ volume }, this.#user());
      if (decision.decision === 'allow' || decision.decision === 'audit') continue;
      const usbInterface =
        decision.decision === 'deny' && volume.protocol === 'usb'
          ? await this.#usbInterfaceOf(volume.wholeDevice)
          : undefined;
      outcomes.push(await this.#enforce(volume.device, [volume], decision, usbInterface));
    }
    return outcomes;
  }

  /** Describes a device and its children (`sdb` → sdb, sdb1, …) as lsblk prints them. */
  async describe(device: string): Promise<VolumeDescription[]> {
    return readLsblkJson(await this.#system.run('lsblk', ['--json', '-O', device]));
  }

  /**
   * A block device appeared or changed: decide its whole disk before anything mounts it, so a
   * refused USB stick loses its storage interface at once and read-only media are marked so.
   */
  async handleBlockEvent(event: UdevEvent): Promise<LinuxOutcome | undefined> {
    const name = event.properties['DEVNAME'];
    if (!name || event.properties['DEVTYPE'] !== 'disk') return undefined;
    if (event.action !== 'add' && event.action !== 'change') return undefined;
    const volumes = await this.describe(name);
    const disk = volumes[0];
    if (!disk) return undefined;
    const decision = this.#control.decideMount({ volume: disk }, this.#user());
    return this.#enforce(name, volumes, decision, usbInterfaceOf(event.devpath));
  }

  /**
   * The mount table changed: a new mount is decided; a read-write remount of a restricted volume
   * is refused by remounting it read-only again; an unmount ends its exemption.
   */
  async handleMountChange(change: MountTableChange): Promise<LinuxOutcome | undefined> {
    if (!change.source.startsWith('/dev/')) return undefined;
    const volumes = await this.describe(change.source).catch(() => []);
    const volume = volumes[0];
    if (change.action === 'umount') {
      if (volume) this.#control.volumeUnmounted(volumeKey(volume));
      return undefined;
    }
    if (!volume) return undefined;
    const mounted = { ...volume, mountPoint: change.target, mountPoints: [change.target] };
    const readWrite = change.options.includes('rw');
    const decision =
      change.action === 'remount'
        ? this.#control.decideRemount({ volume: mounted, readWrite }, this.#user())
        : this.#control.decideMount({ volume: mounted }, this.#user());
    if (decision.rule === 'read-write-remount-refused') {
      const action: LinuxAction = { kind: 'remount-read-only', target: change.target };
      await applyLinuxAction(action, this.#system);
      return { device: change.source, decision, actions: [action] };
    }
    const alreadyReadOnly = change.options.includes('ro') && change.options.includes('noexec');
    if (decision.decision === 'read-only' && alreadyReadOnly) {
      return { device: change.source, decision, actions: [] };
    }
    const usbInterface =
      decision.decision === 'deny' && volume.protocol === 'usb'
        ? await this.#usbInterfaceOf(volume.wholeDevice ?? volume.device)
        : undefined;
    return this.#enforce(change.source, [mounted], decision, usbInterface);
  }

  async #usbInterfaceOf(device: string | undefined): Promise<string | undefined> {
    if (device === undefined) return undefined;
    const devpath = await this.#system.run('udevadm', ['info', '--query=path', `--name=${device}`]);
    return usbInterfaceOf(devpath.trim() + '/');
  }

  async #enforce(
    device: string,
    volumes: VolumeDescription[],
    decision: MountDecision,
    usbInterface: string | undefined,
  ): Promise<LinuxOutcome> {
    const actions = planLinuxEnforcement(volumes, decision.decision, usbInterface);
    for (const action of actions) await applyLinuxAction(action, this.#system);
    return { device, decision, actions };
  }
}
