import { wholeDiskOf } from './disk-arbitration.js';
import type { PlistDictionary, PlistValue } from './plist-input.js';
import { isDictionary, numberAt, parseXmlPlist, stringAt } from './plist-input.js';
import { isMacSystemMount } from './volume-description.js';
import type { VolumeDescription } from './volume-description.js';

/**
 * Reads `diskutil list -plist` (what the macOS adapter enumerates at start) into one description
 * per disk, partition and APFS volume. The list names no bus, so those fields stay unknown; it does
 * tell which disks hold the running system, which is marked on every slice of them.
 */
export function readDiskutilListPlist(text: string): VolumeDescription[] {
  const plist = parseXmlPlist(text);
  if (!isDictionary(plist)) throw new Error('diskutil list plist is not a dictionary');
  const found: VolumeDescription[] = [];
  for (const disk of dictionaries(plist['AllDisksAndPartitions']))
    found.push(...describeDisk(disk));
  const listed = new Set(found.map((volume) => volume.device));
  for (const name of strings(plist['AllDisks'])) {
    if (listed.has(name)) continue;
    found.push({ source: 'diskutil-list', device: name, wholeDevice: wholeDiskOf(name) });
  }
  return markSystemDisks(found);
}

const HEADER = /^\/dev\/(disk\d+)(?: \(([^)]*)\))?:\s*$/;
const ROW = /^\s*\d+:\s.*\s(disk\d+(?:s\d+)*)\s*$/;
const PHYSICAL_STORE = /^\s*Physical Stores? (disk\d+(?:s\d+)*(?:, disk\d+(?:s\d+)*)*)\s*$/;

/**
 * Reads `diskutil list` text. The header of each disk (`/dev/disk2 (external, physical):`,
 * `(disk image)`, `(synthesized)`) says where it is; its rows inherit that. Returns an empty list
 * when the text has no disk header.
 */
export function readDiskutilListText(text: string): VolumeDescription[] {
  const found: VolumeDescription[] = [];
  let disk: VolumeDescription | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = HEADER.exec(line);
    if (header?.[1]) {
      disk = { source: 'diskutil-list', device: header[1], wholeDevice: header[1], whole: true };
      Object.assign(disk, headerTraits(header[2] ?? ''));
      found.push(disk);
      continue;
    }
    const store = PHYSICAL_STORE.exec(line);
    if (store?.[1] && disk) {
      disk.physicalStores = store[1].split(', ');
      continue;
    }
    const row = ROW.exec(line);
    if (!row?.[1] || !disk || row[1] === disk.device) continue;
    found.push({ ...disk, device: row[1], whole: false });
  }
  for (const volume of found) {
    if (volume.synthesized && volume.whole === false) {
      volume.physicalStores = found.find((d) => d.device === volume.wholeDevice)?.physicalStores;
    }
  }
  return found;
}

function headerTraits(words: string): Partial<VolumeDescription> {
  const traits = words.split(',').map((word) => word.trim());
  const traitsOf: Partial<VolumeDescription> = {};
  if (traits.includes('internal')) traitsOf.internal = true;
  if (traits.includes('external')) traitsOf.internal = false;
  if (traits.includes('physical')) traitsOf.virtual = false;
  if (traits.includes('virtual')) traitsOf.virtual = true;
  if (traits.includes('disk image')) Object.assign(traitsOf, { diskImage: true, virtual: true });
  if (traits.includes('synthesized')) Object.assign(traitsOf, { synthesized: true, virtual: true });
  return traitsOf;
}

function describeDisk(disk: PlistDictionary): VolumeDescription[] {
  const device = stringAt(disk, 'DeviceIdentifier');
  if (device === undefined) return [];
  const stores = dictionaries(disk['APFSPhysicalStores'])
    .map((store) => stringAt(store, 'DeviceIdentifier'))
    .filter((name): name is string => name !== undefined);
  const container = stores.length > 0 ? { synthesized: true, physicalStores: stores } : {};
  const whole: VolumeDescription = {
    ...entry(disk, device),
    whole: true,
    ...container,
  };
  const slices = [
    ...dictionaries(disk['Partitions']).map((part) => ({ ...entry(part, device), whole: false })),
    ...dictionaries(disk['APFSVolumes']).map((volume) => ({
      ...entry(volume, device),
      whole: false,
      ...container,
      mountPoints: snapshotMounts(volume),
    })),
  ];
  return [whole, ...slices.filter((slice) => slice.device !== undefined)];
}

function entry(dict: PlistDictionary, wholeDevice: string): VolumeDescription {
  const mountPoint = stringAt(dict, 'MountPoint');
  const volumeName = stringAt(dict, 'VolumeName');
  return {
    source: 'diskutil-list',
    device: stringAt(dict, 'DeviceIdentifier'),
    wholeDevice,
    volumeName: volumeName === '' ? undefined : volumeName,
    mountPoint: mountPoint === '' ? undefined : mountPoint,
    sizeBytes: numberAt(dict, 'Size'),
    uuid: stringAt(dict, 'VolumeUUID') ?? stringAt(dict, 'DiskUUID'),
  };
}

function snapshotMounts(volume: PlistDictionary): string[] | undefined {
  const mounts = dictionaries(volume['MountedSnapshots'])
    .map((snapshot) => stringAt(snapshot, 'SnapshotMountPoint'))
    .filter((mount): mount is string => mount !== undefined);
  return mounts.length > 0 ? mounts : undefined;
}

// A container holding a system mount makes its physical stores' whole disks system disks too:
// the boot volume group lives in one container on one physical disk.
function markSystemDisks(volumes: VolumeDescription[]): VolumeDescription[] {
  const systemWholeDisks = new Set<string>();
  for (const volume of volumes) {
    const mounts = [volume.mountPoint, ...(volume.mountPoints ?? [])];
    if (!mounts.some((mount) => mount !== undefined && isMacSystemMount(mount))) continue;
    if (volume.wholeDevice) systemWholeDisks.add(volume.wholeDevice);
    for (const store of volume.physicalStores ?? []) systemWholeDisks.add(wholeDiskOf(store));
  }
  return volumes.map((volume) =>
    volume.wholeDevice !== undefined && systemWholeDisks.has(volume.wholeDevice)
      ? { ...volume, system: true }
      : volume,
  );
}

function dictionaries(value: PlistValue | undefined): PlistDictionary[] {
  return Array.isArray(value) ? value.filter(isDictionary) : [];
}

function strings(value: PlistValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
