import type { PlistDictionary } from './plist-input.js';
import { describeDiskutilInfo } from './diskutil-info.js';
import type { VolumeDescription } from './volume-description.js';

const SUMMARY_LINE = /^\s*([A-Z][A-Za-z]+)\s+(.+?)\s*$/;

/** `diskutil info -plist` keys a summary must use for its lines to be read as one. */
const PLIST_KEYS = new Set([
  'BusProtocol',
  'Internal',
  'Removable',
  'RemovableMedia',
  'Ejectable',
  'WholeDisk',
  'DeviceIdentifier',
  'ParentWholeDisk',
  'MediaName',
  'IORegistryEntryName',
  'VolumeName',
  'FilesystemType',
  'MountPoint',
  'TotalSize',
  'Size',
  'VirtualOrPhysical',
  'Content',
  'WritableMedia',
  'DeviceTreePath',
  'VolumeUUID',
  'DiskUUID',
  'OpticalMediaType',
  'OpticalDeviceType',
  'Encryption',
  'FileVault',
]);

/**
 * Reads a key/value digest of `diskutil info -plist` that people write in reports
 * (`BusProtocol        "Secure Digital"`, `Internal  true`): plist key names, one per line,
 * values quoted, `true`/`false` or numbers. Returns undefined when no line names such a key.
 */
export function readDiskutilSummary(text: string): VolumeDescription | undefined {
  const dict: PlistDictionary = {};
  for (const line of text.split(/\r?\n/)) {
    const match = SUMMARY_LINE.exec(line);
    if (!match?.[1] || match[2] === undefined || !PLIST_KEYS.has(match[1])) continue;
    dict[match[1]] = summaryValue(match[2]);
  }
  if (Object.keys(dict).length === 0) return undefined;
  return describeDiskutilInfo(dict, 'diskutil-summary');
}

function summaryValue(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^\d+$/.test(text)) return Number(text);
  const quoted = /^"(.*)"$/.exec(text);
  return quoted?.[1] ?? text;
}
