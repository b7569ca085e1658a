import { readDiskArbitrationText } from './disk-arbitration.js';
import { readDiskutilInfoPlist } from './diskutil-info.js';
import { readDiskutilListPlist, readDiskutilListText } from './diskutil-list.js';
import { readDiskutilSummary } from './diskutil-summary.js';
import { readDiskutilInfoText } from './diskutil-text.js';
import { readLsblkJson, readLsblkPairs } from './lsblk.js';
import { readUsbStorageDescriptions } from './usb-topology.js';
import type { VolumeDescription } from './volume-description.js';

/** Descriptions read from one text, and whether the text lists several devices. */
export interface ReadDescriptions {
  /** True for listings (lsblk, diskutil list), whose lines carry a `device` field. */
  listing: boolean;
  volumes: VolumeDescription[];
}

/**
 * Recognises which tool printed `text` and reads it: lsblk `--json` or `--pairs`,
 * `diskutil list` (plist or text), `diskutil info` (plist or text), a DiskArbitration
 * description, `system_profiler -json SPUSBDataType`, or a key/value summary of
 * `diskutil info -plist`. Throws when it is none of them.
 */
export function readDescriptions(text: string): ReadDescriptions {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{') && trimmed.includes('"blockdevices"')) {
    return { listing: true, volumes: readLsblkJson(trimmed) };
  }
  if (trimmed.startsWith('{') && trimmed.includes('"SPUSBDataType"')) {
    return { listing: true, volumes: readUsbStorageDescriptions(trimmed) };
  }
  if (/^NAME="/m.test(trimmed)) return { listing: true, volumes: readLsblkPairs(trimmed) };
  if (/<plist[\s>]/.test(trimmed)) {
    if (trimmed.includes('<key>AllDisksAndPartitions</key>')) {
      return { listing: true, volumes: readDiskutilListPlist(trimmed) };
    }
    return { listing: false, volumes: [readDiskutilInfoPlist(trimmed)] };
  }
  if (/^\/dev\/disk\d+/m.test(trimmed)) {
    return { listing: true, volumes: readDiskutilListText(trimmed) };
  }
  const single =
    (/\bDA[A-Z]\w+ = /.test(trimmed) ? readDiskArbitrationText(trimmed) : undefined) ??
    readDiskutilInfoText(trimmed) ??
    readDiskutilSummary(trimmed);
  if (!single) throw new Error('not a disk description this agent can read');
  return { listing: false, volumes: [single] };
}
