import type { VolumeDescription } from './volume-description.js';

/** A USB device that carries storage, from `system_profiler -json SPUSBDataType`. */
export interface UsbStorageDevice {
  name: string;
  manufacturer?: string;
  /** BSD names of its media (`disk5`) and their volumes (`disk5s2`). */
  disks: string[];
  /** Number of the device's mass-storage interface (`USB Interface`), when printed. */
  storageInterface?: number;
  /**
   * True when the storage is not the device's first interface, i.e. the device also does
   * something else (a printer's card reader). Such a device is never ejected, only unmounted, so
   * its other functions keep working.
   */
  composite: boolean;
}

type UsbItem = Record<string, unknown> & { _items?: UsbItem[]; Media?: UsbItem[] };

/**
 * Reads `system_profiler -json SPUSBDataType` into the USB devices that carry storage, walking
 * hubs of any depth. Throws when the text is not that output.
 */
export function readUsbStorageDevices(text: string): UsbStorageDevice[] {
  const parsed = JSON.parse(text) as { SPUSBDataType?: unknown };
  if (!Array.isArray(parsed.SPUSBDataType)) throw new Error('not system_profiler SPUSBDataType');
  return (parsed.SPUSBDataType as UsbItem[]).flatMap(storageDevicesIn);
}

/**
 * The storage on the USB devices in `system_profiler -json SPUSBDataType`: one description per
 * medium and per volume on it, bus USB.
 */
export function readUsbStorageDescriptions(text: string): VolumeDescription[] {
  const parsed = JSON.parse(text) as { SPUSBDataType?: unknown };
  if (!Array.isArray(parsed.SPUSBDataType)) throw new Error('not system_profiler SPUSBDataType');
  return (parsed.SPUSBDataType as UsbItem[]).flatMap(mediaIn).flatMap(describeMedium);
}

function describeMedium(medium: UsbItem): VolumeDescription[] {
  const disk = stringOf(medium['bsd_name']);
  const whole: VolumeDescription = {
    source: 'system-profiler-usb',
    device: disk,
    wholeDevice: disk,
    protocol: 'USB',
    whole: true,
    removable: yesNo(medium['removable_media']),
    mediaName: stringOf(medium['_name']),
    sizeBytes: numberOf(medium['size_in_bytes']),
  };
  const volumes = arrayOf(medium['volumes']).map((volume) => ({
    ...whole,
    device: stringOf(volume['bsd_name']),
    whole: false,
    volumeName: stringOf(volume['_name']),
    mountPoint: stringOf(volume['mount_point']),
    sizeBytes: numberOf(volume['size_in_bytes']),
    uuid: stringOf(volume['volume_uuid']),
  }));
  return [whole, ...volumes];
}

function storageDevicesIn(item: UsbItem): UsbStorageDevice[] {
  const below = arrayOf(item._items).flatMap(storageDevicesIn);
  const media = arrayOf(item.Media);
  if (media.length === 0) return below;
  const interfaces = media
    .map((medium) => numberOf(medium['USB Interface']))
    .filter((n): n is number => n !== undefined);
  const storageInterface = interfaces.length > 0 ? Math.min(...interfaces) : undefined;
  const device: UsbStorageDevice = {
    name: stringOf(item['_name']) ?? 'USB device',
    manufacturer: stringOf(item['manufacturer']),
    disks: media.flatMap((medium) => [
      ...optional(stringOf(medium['bsd_name'])),
      ...arrayOf(medium['volumes']).flatMap((v) => optional(stringOf(v['bsd_name']))),
    ]),
    storageInterface,
    composite: storageInterface !== undefined && storageInterface > 0,
  };
  return [device, ...below];
}

function mediaIn(item: UsbItem): UsbItem[] {
  return [...arrayOf(item.Media), ...arrayOf(item._items).flatMap(mediaIn)];
}

function arrayOf(value: unknown): UsbItem[] {
  return Array.isArray(value) ? (value as UsbItem[]) : [];
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function yesNo(value: unknown): boolean | undefined {
  if (value === 'yes') return true;
  if (value === 'no') return false;
  return undefined;
}
