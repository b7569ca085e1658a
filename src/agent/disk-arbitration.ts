import { isDiskImageProtocol } from './diskutil-info.js';
import type { PlistDictionary } from './plist-input.js';
import { booleanAt, numberAt, parseOpenStepDictionary, stringAt } from './plist-input.js';
import type { VolumeDescription } from './volume-description.js';

/** IOKit media classes of optical media as DAMediaKind names them. */
const OPTICAL_MEDIA_KINDS = new Set(['IOCDMedia', 'IODVDMedia', 'IOBDMedia']);

// NSLog (`2019-03-03 11:23:44.281884+0100 dadump[94065:2868718] `), `log show`
// (`2024-05-01 10:00:00.123456+0200 0x1a2b Default 0x0 123 0 agent: `) and syslog
// (`May  1 10:00:00 host agent[123]: `) line prefixes.
const LOG_PREFIXES = [
  /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d{4}|Z)? +\S+\[\d+(?::\w+)?\] /,
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+[+-]\d{4} +0x[0-9a-f]+ +\w+ +0x[0-9a-f]+ +\d+ +\d+ +[^:]+: /,
  /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ \S+\[\d+\]: /,
];

/** Removes a log-line prefix from every line that carries one. */
export function stripLogPrefixes(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => LOG_PREFIXES.reduce((rest, prefix) => rest.replace(prefix, ''), line))
    .join('\n');
}

/**
 * Reads a DiskArbitration description dictionary (`DADiskCopyDescription`) as tools print it: an
 * NSDictionary description, with or without log-line prefixes and lines before it. Returns
 * undefined when the text holds no dictionary with DA keys.
 */
export function readDiskArbitrationText(text: string): VolumeDescription | undefined {
  const body = stripLogPrefixes(text);
  const open = body.indexOf('{');
  const close = body.lastIndexOf('}');
  if (open < 0 || close < open) return undefined;
  const dict = parseOpenStepDictionary(body.slice(open, close + 1));
  if (!Object.keys(dict).some((key) => key.startsWith('DA'))) return undefined;
  return describeDiskArbitration(dict);
}

/**
 * Maps DiskArbitration description keys (DADeviceProtocol, DADeviceInternal, DAMediaRemovable,
 * DAMediaEjectable, DAMediaWhole, DAMediaKind, DAVolumeKind, DAVolumeNetwork, DAMediaEncrypted,
 * DADevicePath, …) to a volume description. Booleans may be plist booleans or `1`/`0`.
 */
export function describeDiskArbitration(dict: PlistDictionary): VolumeDescription {
  const protocol = stringAt(dict, 'DADeviceProtocol');
  const model = stringAt(dict, 'DADeviceModel');
  const mediaKind = stringAt(dict, 'DAMediaKind');
  const device = stringAt(dict, 'DAMediaBSDName')?.replace(/^\/dev\//, '');
  const imageByModel = model === 'Disk Image' ? true : undefined;

  return {
    source: 'disk-arbitration',
    device,
    wholeDevice: device === undefined ? undefined : wholeDiskOf(device),
    protocol,
    internal: booleanAt(dict, 'DADeviceInternal'),
    removable: booleanAt(dict, 'DAMediaRemovable'),
    ejectable: booleanAt(dict, 'DAMediaEjectable'),
    whole: booleanAt(dict, 'DAMediaWhole'),
    mediaKind,
    optical: mediaKind === undefined ? undefined : OPTICAL_MEDIA_KINDS.has(mediaKind),
    mediaName: stringAt(dict, 'DAMediaName'),
    model,
    volumeName: stringAt(dict, 'DAVolumeName'),
    fileSystem: stringAt(dict, 'DAVolumeKind'),
    mountPoint: mountPointOf(stringAt(dict, 'DAVolumePath')),
    sizeBytes: numberAt(dict, 'DAMediaSize'),
    network: booleanAt(dict, 'DAVolumeNetwork'),
    diskImage:
      protocol === undefined ? imageByModel : isDiskImageProtocol(protocol) || imageByModel,
    writable: booleanAt(dict, 'DAMediaWritable'),
    encrypted: booleanAt(dict, 'DAMediaEncrypted'),
    devicePath: stringAt(dict, 'DADevicePath'),
    uuid: uuidOf(stringAt(dict, 'DAVolumeUUID') ?? stringAt(dict, 'DAMediaUUID')),
  };
}

/** `disk2s1` → `disk2`; `disk1s5s1` (an APFS snapshot) → `disk1`. */
export function wholeDiskOf(device: string): string {
  return /^(disk\d+)/.exec(device)?.[1] ?? device;
}

function mountPointOf(volumePath: string | undefined): string | undefined {
  if (volumePath === undefined || volumePath === '<null>') return undefined;
  if (!volumePath.startsWith('file://')) return volumePath;
  const path = decodeURIComponent(new URL(volumePath).pathname);
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

// CFUUIDs print as `<CFUUID 0x600000c2c260> 3E1E6C0B-…`; keep the UUID.
function uuidOf(text: string | undefined): string | undefined {
  return text?.replace(/^<CFUUID [^>]*>\s*/, '');
}
