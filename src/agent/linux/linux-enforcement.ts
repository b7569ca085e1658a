import type { CommandRunner } from '../command-runner.js';
import type { MountVerdict } from '../decide-mount.js';
import type { VolumeDescription } from '../volume-description.js';

/** One step the Linux adapter takes to carry out a decision. */
export type LinuxAction =
  | { kind: 'unmount'; target: string }
  | { kind: 'remount-read-only'; target: string }
  | { kind: 'set-read-only'; device: string }
  | { kind: 'deauthorize-usb-interface'; usbInterface: string };

/**
 * The steps that carry out `verdict` for a disk and its partitions (`volumes`, disk first).
 * deny: unmount every mounted volume, then deauthorise the USB mass-storage interface when there
 * is one (never the whole USB device, so a printer's other functions keep working);
 * read-only: mark the block devices read-only and remount mounted volumes `ro,noexec`;
 * allow and audit: nothing.
 */
export function planLinuxEnforcement(
  volumes: readonly VolumeDescription[],
  verdict: MountVerdict,
  usbInterface: string | undefined,
): LinuxAction[] {
  const mounted = volumes.flatMap((v) => mountsOf(v));
  if (verdict === 'deny') {
    return [
      ...mounted.map((target): LinuxAction => ({ kind: 'unmount', target })),
      ...(usbInterface ? [{ kind: 'deauthorize-usb-interface' as const, usbInterface }] : []),
    ];
  }
  if (verdict === 'read-only') {
    return [
      ...volumes
        .filter((v) => v.device !== undefined && v.writable !== false)
        .map((v): LinuxAction => ({ kind: 'set-read-only', device: `/dev/${v.device}` })),
      ...mounted.map((target): LinuxAction => ({ kind: 'remount-read-only', target })),
    ];
  }
  return [];
}

function mountsOf(volume: VolumeDescription): string[] {
  const all = volume.mountPoints ?? (volume.mountPoint ? [volume.mountPoint] : []);
  return all.filter((mount) => mount.startsWith('/'));
}

/** Where the Linux actions write: the command runner and the sysfs root (`/sys`). */
export interface LinuxSystem {
  run: CommandRunner;
  writeFile(path: string, data: string): Promise<void>;
  sysfsRoot: string;
}

/** Carries out one action on the machine. */
export async function applyLinuxAction(action: LinuxAction, system: LinuxSystem): Promise<void> {
  switch (action.kind) {
    case 'unmount':
      await system.run('umount', [action.target]);
      return;
    case 'remount-read-only':
      await system.run('mount', ['-o', 'remount,ro,noexec', action.target]);
      return;
    case 'set-read-only':
      await system.run('blockdev', ['--setro', action.device]);
      return;
    case 'deauthorize-usb-interface':
      await system.writeFile(
        `${system.sysfsRoot}/bus/usb/devices/${action.usbInterface}/authorized`,
        '0',
      );
  }
}
