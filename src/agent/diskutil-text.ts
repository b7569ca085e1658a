import { isDiskImageProtocol } from './diskutil-info.js';
import { parseByteCount, parseYesNo } from './volume-description.js';
import type { VolumeDescription } from './volume-description.js';

/**
 * Every field label `diskutil info` has printed from Mac OS X 10.6 to current macOS. Knowing them
 * lets the reader split text that people re-wrapped (two fields on one line, a value continued on
 * the next) and ignore the column alignment, which changed across versions.
 */
const LABELS = [
  'Device Identifier',
  'Device Node',
  'Whole',
  'Part of Whole',
  'Device / Media Name',
  'Volume Name',
  'Escaped with Unicode',
  'Mounted',
  'Mount Point',
  'Content (IOContent)',
  'File System Personality',
  'Type (Bundle)',
  'Name (User Visible)',
  'File System',
  'Partition Type',
  'Bootable',
  'OS Can Be Installed',
  'Booter Disk',
  'Recovery Disk',
  'Media Type',
  'Protocol',
  'SMART Status',
  'Volume UUID',
  'Disk / Partition UUID',
  'Partition UUID',
  'Total Size',
  'Disk Size',
  'Device Block Size',
  'Volume Total Space',
  'Volume Used Space',
  'Volume Free Space',
  'Volume Available Space',
  'Container Total Space',
  'Container Free Space',
  'Allocation Block Size',
  'Read-Only Media',
  'Media Read-Only',
  'Read-Only Volume',
  'Volume Read-Only',
  'Media OS Use Only',
  'Ejectable',
  'Device Location',
  'Removable Media',
  'Media Removal',
  'Solid State',
  'Virtual',
  'Internal',
  'OS 9 Drivers',
  'Low Level Format',
  'Optical Drive Type',
  'Optical Media Type',
  'Optical Media Erasable',
  'Encrypted',
  'FileVault',
  'Fusion Drive',
  'Owners',
  'Hardware AES Support',
  'APFS Container',
  'APFS Physical Store',
  'APFS Volume Group',
  'APFS Snapshot',
  'APFS Snapshot Name',
  'APFS Snapshot UUID',
  'This disk is a Core Storage Logical Volume',
  'Sealed',
  'Locked',
  'Media Name',
  'Device Model',
  'Device Vendor',
];

// Longest first, so "Volume Name" is not taken for "Name (User Visible)"'s tail and
// "Read-Only Media" wins over shorter labels sharing a prefix.
const LABEL_PATTERN = new RegExp(
  `(?:^|\\s)(${[...LABELS]
    .sort((a, b) => b.length - a.length)
    .map((label) => label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|')}):(?=\\s|$)`,
  'gi',
);

/**
 * Parses `diskutil info` text into label → value, whatever the alignment or wrapping. Labels are
 * matched case-insensitively (10.6 printed "Part Of Whole", later "Part of Whole") and returned in
 * the spelling of {@link LABELS}.
 */
export function parseDiskutilInfoFields(text: string): Map<string, string> {
  const flat = text.replace(/^\uFEFF/, '').replace(/\s+/g, ' ');
  const fields = new Map<string, string>();
  const matches = [...flat.matchAll(LABEL_PATTERN)];
  matches.forEach((match, index) => {
    const label = canonicalLabel(match[1] ?? '');
    const start = (match.index ?? 0) + match[0].length;
    const end = matches[index + 1]?.index ?? flat.length;
    if (!fields.has(label)) fields.set(label, flat.slice(start, end).trim());
  });
  return fields;
}

/**
 * Reads `diskutil info` text into a volume description. Returns undefined when the text has
 * neither a device identifier nor a protocol, i.e. is not diskutil info output.
 */
export function readDiskutilInfoText(text: string): VolumeDescription | undefined {
  const fields = parseDiskutilInfoFields(text);
  const device = fields.get('Device Identifier');
  const protocol = fields.get('Protocol');
  if (device === undefined && protocol === undefined) return undefined;
  const opticalMedia = fields.get('Optical Media Type');
  const readOnlyMedia = parseYesNo(fields.get('Read-Only Media') ?? fields.get('Media Read-Only'));
  const mounted = parseYesNo(fields.get('Mounted'));
  const volumeName = fields.get('Volume Name');

  return {
    source: 'diskutil-info-text',
    device,
    wholeDevice: fields.get('Part of Whole'),
    protocol,
    internal: internalOf(fields),
    removable: removableOf(fields.get('Removable Media')),
    ejectable: parseYesNo(fields.get('Ejectable')),
    whole: parseYesNo(fields.get('Whole')),
    optical: opticalMedia !== undefined || fields.has('Optical Drive Type') ? true : undefined,
    mediaKind: opticalMedia,
    mediaName: fields.get('Device / Media Name') ?? fields.get('Media Name'),
    model: fields.get('Device Model'),
    volumeName:
      volumeName === '' || volumeName?.startsWith('Not applicable') ? undefined : volumeName,
    fileSystem: fields.get('Type (Bundle)'),
    mountPoint: mounted === false ? undefined : fields.get('Mount Point'),
    sizeBytes: parseByteCount(fields.get('Disk Size') ?? fields.get('Total Size')),
    virtual: parseYesNo(fields.get('Virtual')),
    diskImage: protocol === undefined ? undefined : isDiskImageProtocol(protocol),
    synthesized: fields.has('APFS Physical Store') ? true : undefined,
    physicalStores: physicalStoresOf(fields.get('APFS Physical Store')),
    writable: readOnlyMedia === undefined ? undefined : !readOnlyMedia,
    encrypted: parseYesNo(fields.get('Encrypted') ?? fields.get('FileVault')),
    uuid: fields.get('Volume UUID') ?? fields.get('Disk / Partition UUID'),
  };
}

function internalOf(fields: Map<string, string>): boolean | undefined {
  const location = fields.get('Device Location')?.toLowerCase();
  if (location?.startsWith('internal')) return true;
  if (location?.startsWith('external')) return false;
  return parseYesNo(fields.get('Internal'));
}

function removableOf(text: string | undefined): boolean | undefined {
  const word = text?.toLowerCase();
  if (word === undefined) return undefined;
  if (word.startsWith('removable')) return true;
  if (word.startsWith('fixed')) return false;
  return undefined;
}

function physicalStoresOf(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text.split(/[\s,]+/).filter((name) => /^disk\d+(s\d+)*$/.test(name));
}

function canonicalLabel(found: string): string {
  return LABELS.find((label) => label.toLowerCase() === found.toLowerCase()) ?? found;
}
