/**
 * One typed description of a disk or volume, whatever tool printed it. Every reader in this
 * folder (diskutil plist and text, DiskArbitration dictionaries, diskutil list, lsblk) produces
 * this shape, and the decision works on it alone. A field the source did not state is left
 * `undefined`: nothing is guessed, so the decision can tell "not removable" from "did not say".
 */
export interface VolumeDescription {
  /** Which form the description was read from. */
  source: DescriptionSource;
  /** BSD or kernel name of this disk or volume (`disk2s1`, `sdb1`). */
  device?: string;
  /** The whole disk it belongs to (`disk2`, `sdb`). */
  wholeDevice?: string;
  /** The bus or protocol exactly as the tool spelled it (`USB`, `PCI-Express`, `usb`, `sata`). */
  protocol?: string;
  /** The tool's own internal/external verdict (DADeviceInternal, Internal, Device Location). */
  internal?: boolean;
  /** Removable media (RemovableMedia, DAMediaRemovable, lsblk RM). */
  removable?: boolean;
  ejectable?: boolean;
  /** Hot-pluggable device (lsblk HOTPLUG). */
  hotplug?: boolean;
  /** True for a whole disk, false for a partition or volume. */
  whole?: boolean;
  /** IOKit media class (`IOMedia`, `IOCDMedia`, `IODVDMedia`, `IOBDMedia`) or lsblk TYPE. */
  mediaKind?: string;
  /** Optical drive or media was reported (Optical Media Type, lsblk TYPE rom, IOCDMedia…). */
  optical?: boolean;
  /** Device / media name (`Cruzer Fit`, `APPLE SD Card Reader Media`). */
  mediaName?: string;
  /** Device model (DADeviceModel, lsblk MODEL): `Disk Image` for attached images. */
  model?: string;
  volumeName?: string;
  /** File system kind (`msdos`, `apfs`, `smbfs`, `vfat`). */
  fileSystem?: string;
  mountPoint?: string;
  /** Every mount point when the tool lists several (lsblk MOUNTPOINTS). */
  mountPoints?: string[];
  sizeBytes?: number;
  /** A network volume (DAVolumeNetwork, a network file system). */
  network?: boolean;
  /** diskutil's VirtualOrPhysical / Virtual: true for images, APFS containers, RAID sets. */
  virtual?: boolean;
  /** Attached from a file: a disk image (`.dmg`, sparse bundle) or a Linux loop device. */
  diskImage?: boolean;
  /** A synthesized APFS container or volume, whose category is that of its physical store. */
  synthesized?: boolean;
  /** BSD names of the physical stores of a synthesized APFS container. */
  physicalStores?: string[];
  /** Media writable (WritableMedia, DAMediaWritable; false when lsblk RO is 1). */
  writable?: boolean;
  encrypted?: boolean;
  /** IOKit device path (DADevicePath, DeviceTreePath). */
  devicePath?: string;
  /** Held by the running system (`/`, `/boot`, EFI, swap, the Mac's boot volume group). */
  system?: boolean;
  /** Volume or disk UUID, when the tool printed one: identifies a volume across mounts. */
  uuid?: string;
}

export type DescriptionSource =
  | 'diskutil-info-plist'
  | 'diskutil-info-text'
  | 'diskutil-summary'
  | 'disk-arbitration'
  | 'diskutil-list'
  | 'lsblk'
  | 'system-profiler-usb';

/** Mount points whose disk holds the running system on Linux. */
export const LINUX_SYSTEM_MOUNTS = new Set([
  '/',
  '/boot',
  '/boot/efi',
  '/boot/firmware',
  '/efi',
  '/usr',
  '[SWAP]',
]);

/** Mount points of the Mac's boot volume group (the sealed system, its data and helpers). */
export function isMacSystemMount(mountPoint: string): boolean {
  return mountPoint === '/' || mountPoint.startsWith('/System/Volumes/');
}

/** Parses the byte count out of diskutil's `4.1 GB (4075290624 Bytes) (…)` or a plain number. */
export function parseByteCount(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const inBytes = /\((\d+) Bytes\)/.exec(text);
  if (inBytes?.[1]) return Number(inBytes[1]);
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** Reads a yes/no style word the way the Apple tools print it; anything else stays unknown. */
export function parseYesNo(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const word = text.trim().toLowerCase();
  if (/^(yes|true|1)\b/.test(word)) return true;
  if (/^(no|false|0)\b/.test(word)) return false;
  return undefined;
}
