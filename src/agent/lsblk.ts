import { LINUX_SYSTEM_MOUNTS } from './volume-description.js';
import type { VolumeDescription } from './volume-description.js';

/** One lsblk row with lower-case column names, as `--json` or `--pairs` gave it. */
type LsblkRow = Record<string, unknown> & { children?: LsblkRow[] };

/**
 * Reads `lsblk --json` output (any columns; util-linux 2.2x string values such as `"rm": "1"` or
 * later typed ones) into one description per block device, children after their parent.
 * Throws when the text is not lsblk JSON.
 */
export function readLsblkJson(text: string): VolumeDescription[] {
  const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  const devices = (parsed as { blockdevices?: unknown }).blockdevices;
  if (!Array.isArray(devices)) throw new Error('lsblk JSON has no blockdevices array');
  return markSystemDisks(devices.flatMap((row: LsblkRow) => describeTree(row, undefined)));
}

const PAIR = /([A-Z][A-Z0-9:_%-]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Reads `lsblk --pairs` output. Pairs carry no tree, so a partition's parent is its PKNAME column
 * when printed, else the preceding whole disk whose name starts its own (`sdd` for `sdd1`).
 * Returns an empty list when no line has `NAME="…"`.
 */
export function readLsblkPairs(text: string): VolumeDescription[] {
  const found: VolumeDescription[] = [];
  const byName = new Map<string, VolumeDescription>();
  for (const line of text.split(/\r?\n/)) {
    const row: LsblkRow = {};
    for (const [, key, value] of line.matchAll(PAIR)) {
      if (key !== undefined) row[key.toLowerCase()] = decodeEscapes(value ?? '');
    }
    const name = stringOf(row['kname']) ?? stringOf(row['name']);
    if (name === undefined) continue;
    const parentName =
      stringOf(row['pkname']) ??
      [...byName.keys()].reverse().find((disk) => name !== disk && name.startsWith(disk));
    const volume = describeRow(row, parentName === undefined ? undefined : byName.get(parentName));
    byName.set(name, volume);
    found.push(volume);
  }
  return markSystemDisks(found);
}

function describeTree(row: LsblkRow, parent: VolumeDescription | undefined): VolumeDescription[] {
  const volume = describeRow(row, parent);
  const children = Array.isArray(row.children) ? row.children : [];
  return [volume, ...children.flatMap((child) => describeTree(child, volume))];
}

// A partition, crypt or LVM volume inherits its disk's bus and flags: lsblk prints them on the
// disk only (a partition's TRAN is null).
function describeRow(row: LsblkRow, parent: VolumeDescription | undefined): VolumeDescription {
  const name = stringOf(row['kname']) ?? stringOf(row['name']);
  const type = stringOf(row['type']);
  const mountPoints = mountPointsOf(row);
  const readOnly = flagOf(row['ro']);
  const own: VolumeDescription = {
    source: 'lsblk',
    device: name,
    wholeDevice: parent?.wholeDevice ?? name,
    protocol: stringOf(row['tran']) ?? protocolOfKernelName(name),
    removable: flagOf(row['rm']),
    hotplug: flagOf(row['hotplug']),
    whole: parent === undefined,
    mediaKind: type,
    optical: type === undefined ? undefined : type === 'rom',
    model: stringOf(row['model'])?.trim(),
    volumeName: stringOf(row['label']),
    fileSystem: stringOf(row['fstype']),
    mountPoint: mountPoints[0],
    mountPoints: mountPoints.length > 1 ? mountPoints : undefined,
    sizeBytes: bytesOf(row['size']),
    diskImage: type === undefined ? undefined : type === 'loop' || undefined,
    writable: readOnly === undefined ? undefined : !readOnly,
    uuid: stringOf(row['uuid']),
  };
  if (parent === undefined) return own;
  return {
    ...own,
    protocol: own.protocol ?? parent.protocol,
    removable: parent.removable === true ? true : (own.removable ?? parent.removable),
    hotplug: parent.hotplug === true ? true : (own.hotplug ?? parent.hotplug),
    optical: parent.optical || own.optical,
    diskImage: parent.diskImage || own.diskImage,
    model: own.model ?? parent.model,
  };
}

// The kernel driver names these devices after their bus.
function protocolOfKernelName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (/^mmcblk\d+/.test(name)) return 'mmc';
  if (/^nvme\d+/.test(name)) return 'nvme';
  if (/^x?vd[a-z]+/.test(name)) return 'virtio';
  if (/^z?ram\d+/.test(name)) return 'memory';
  return undefined;
}

function markSystemDisks(volumes: VolumeDescription[]): VolumeDescription[] {
  const systemDisks = new Set(
    volumes
      .filter((v) => [v.mountPoint, ...(v.mountPoints ?? [])].some(isSystemMount))
      .map((v) => v.wholeDevice),
  );
  return volumes.map((v) => (systemDisks.has(v.wholeDevice) ? { ...v, system: true } : v));
}

function isSystemMount(mount: string | undefined): boolean {
  return mount !== undefined && LINUX_SYSTEM_MOUNTS.has(mount);
}

function mountPointsOf(row: LsblkRow): string[] {
  const many = row['mountpoints'];
  const all = Array.isArray(many) ? many : [row['mountpoint']];
  return all.filter((mount): mount is string => typeof mount === 'string' && mount !== '');
}

function flagOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === '1' || value === 1) return true;
  if (value === '0' || value === 0) return false;
  return undefined;
}

function bytesOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// lsblk --pairs escapes unsafe bytes as \xHH; decode them as the UTF-8 they are.
function decodeEscapes(value: string): string {
  if (!value.includes('\\x')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const hex = value.slice(i, i + 4);
    if (/^\\x[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex.slice(2), 16));
      i += 3;
    } else {
      bytes.push(...Buffer.from(value[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
