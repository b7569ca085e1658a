import type { VolumeDescription } from './volume-description.js';

/** The words the CLI and reports use for what a volume is. */
export type StorageCategory =
  'internal' | 'external' | 'sd-card' | 'disk-image' | 'network' | 'optical' | 'unknown';

/** What a volume is, the rule that said so and whether a policy may refuse it. */
export interface Classification {
  category: StorageCategory;
  /** Stable kebab-case id of the rule that fired; tests and reports key on it. */
  rule: string;
  /** A sentence for people. */
  reason: string;
  /** True when block mode denies it: external physical storage, SD cards, unknown media. */
  refusable: boolean;
}

/** Finds another description by BSD or kernel name (an APFS container's physical store). */
export type VolumeLookup = (device: string) => VolumeDescription | undefined;

const NETWORK_FILE_SYSTEMS = new Set([
  'smbfs',
  'nfs',
  'nfs4',
  'afpfs',
  'webdav',
  'cifs',
  'smb3',
  'ftp',
  'fuse.sshfs',
  'sshfs',
]);
/** Buses that only ever carry storage plugged in from outside the machine. */
const EXTERNAL_BUSES = new Set(['usb', 'thunderbolt', 'usb4', 'firewire', 'ieee1394', 'pcmcia']);
/** Buses of disks built into the machine, when nothing says the device is external. */
const INTERNAL_BUSES = new Set([
  'pci-express',
  'pci',
  'sata',
  'ata',
  'atapi',
  'ahci',
  'nvme',
  'sas',
  'scsi',
  'apple fabric',
  'virtio',
  'memory',
]);
const SD_BUSES = new Set(['secure digital', 'mmc', 'sd']);
const SD_READER_NAME = /\bSD(?:XC|HC)?\b.*\b(?:Card|Reader)\b|\bSD Card\b/i;

const REFUSABLE = new Set<StorageCategory>(['external', 'sd-card', 'unknown']);

/**
 * Classifies a volume from its description alone (plus, for a synthesized APFS container or
 * volume, its physical store when `lookup` finds it). The disk that holds the running system is
 * never refusable, whatever its bus. Pure: no I/O, no clock.
 */
export function classifyVolume(volume: VolumeDescription, lookup?: VolumeLookup): Classification {
  const found = categoryOf(volume, lookup, 0);
  if (!volume.system || !found.refusable) return found;
  return {
    ...found,
    rule: 'system-disk',
    reason: `${found.reason} It holds the running system, which is never refused.`,
    refusable: false,
  };
}

function categoryOf(
  volume: VolumeDescription,
  lookup: VolumeLookup | undefined,
  depth: number,
): Classification {
  const store = physicalStoreOf(volume, lookup, depth);
  if (store) {
    const found = categoryOf(store, lookup, depth + 1);
    const storeName = store.device ?? 'its physical store';
    return { ...found, reason: `Synthesized APFS volume on ${storeName}: ${found.reason}` };
  }
  const bus = volume.protocol?.toLowerCase();
  const fileSystem = volume.fileSystem?.toLowerCase();
  if (volume.network || (fileSystem !== undefined && NETWORK_FILE_SYSTEMS.has(fileSystem))) {
    return result('network', 'network-volume', 'Network volume.');
  }
  if (volume.diskImage) {
    return result('disk-image', 'disk-image', 'Disk image attached from a file.');
  }
  if (bus !== undefined && SD_BUSES.has(bus)) {
    return result('sd-card', 'sd-card-bus', `SD card (bus ${volume.protocol}).`);
  }
  const name = `${volume.mediaName ?? ''} ${volume.model ?? ''}`;
  if (SD_READER_NAME.test(name)) {
    return result('sd-card', 'sd-card-reader', `SD card in a card reader (${name.trim()}).`);
  }
  if (volume.optical) return opticalOf(volume, bus);
  if (bus !== undefined && EXTERNAL_BUSES.has(bus)) {
    return result('external', 'external-bus', `External storage on ${volume.protocol}.`);
  }
  if (volume.internal === false) {
    return result('external', 'external-device', 'The device reports itself as external.');
  }
  if (volume.hotplug === true) {
    return result('external', 'hot-pluggable', 'Hot-pluggable storage device.');
  }
  if (volume.removable === true) {
    return result('external', 'removable-media', 'Removable storage media.');
  }
  if (volume.internal === true) {
    return result('internal', 'internal-disk', 'Internal disk.');
  }
  if (bus === 'memory') return result('internal', 'memory-disk', 'RAM disk.');
  if (bus !== undefined && INTERNAL_BUSES.has(bus) && volume.source === 'lsblk') {
    return result('internal', 'internal-bus', `Fixed disk on ${volume.protocol}.`);
  }
  return result(
    'unknown',
    'unknown-media',
    'Storage whose bus or location is not known; refused to fail closed.',
  );
}

function opticalOf(volume: VolumeDescription, bus: string | undefined): Classification {
  const external = (bus !== undefined && EXTERNAL_BUSES.has(bus)) || volume.internal === false;
  if (external) {
    return result(
      'external',
      'external-optical-drive',
      `External optical drive on ${volume.protocol ?? 'an external bus'}: external storage.`,
    );
  }
  if (volume.internal === true || (bus !== undefined && INTERNAL_BUSES.has(bus))) {
    return result('optical', 'internal-optical-drive', 'Internal optical drive; not covered.');
  }
  return result(
    'unknown',
    'unknown-media',
    'Optical drive whose bus or location is not known; refused to fail closed.',
  );
}

function physicalStoreOf(
  volume: VolumeDescription,
  lookup: VolumeLookup | undefined,
  depth: number,
): VolumeDescription | undefined {
  if (!volume.synthesized || !lookup || depth > 4) return undefined;
  for (const name of volume.physicalStores ?? []) {
    const store = lookup(name);
    if (store && store !== volume) return store;
  }
  return undefined;
}

function result(category: StorageCategory, rule: string, reason: string): Classification {
  return { category, rule, reason, refusable: REFUSABLE.has(category) };
}
