import type { PlistDictionary } from './plist-input.js';
import { booleanAt, isDictionary, numberAt, parseXmlPlist, stringAt } from './plist-input.js';
import type { DescriptionSource, VolumeDescription } from './volume-description.js';

/** diskutil's partition-type GUID of an APFS container scheme. */
const APFS_CONTAINER_CONTENT = 'EF57347C-0000-11AA-AA11-00306543ECAC';

/**
 * Reads `diskutil info -plist` output into a volume description.
 * Throws when the text is not a plist dictionary.
 */
export function readDiskutilInfoPlist(text: string): VolumeDescription {
  const plist = parseXmlPlist(text);
  if (!isDictionary(plist)) throw new Error('diskutil info plist is not a dictionary');
  return describeDiskutilInfo(plist, 'diskutil-info-plist');
}

/**
 * Maps the keys of `diskutil info -plist` (also used by summaries people write of it) to a volume
 * description. Keys the dictionary lacks stay undefined.
 */
export function describeDiskutilInfo(
  dict: PlistDictionary,
  source: DescriptionSource,
): VolumeDescription {
  const protocol = stringAt(dict, 'BusProtocol');
  const physicalStores = physicalStoresOf(dict);
  const virtualOrPhysical = stringAt(dict, 'VirtualOrPhysical');
  const content = stringAt(dict, 'Content');
  const opticalMedia = stringAt(dict, 'OpticalMediaType');
  const mountPoint = stringAt(dict, 'MountPoint');

  return {
    source,
    device: stringAt(dict, 'DeviceIdentifier'),
    wholeDevice: stringAt(dict, 'ParentWholeDisk'),
    protocol,
    internal: booleanAt(dict, 'Internal'),
    removable: booleanAt(dict, 'RemovableMedia') ?? booleanAt(dict, 'Removable'),
    ejectable: booleanAt(dict, 'Ejectable'),
    whole: booleanAt(dict, 'WholeDisk'),
    optical:
      opticalMedia !== undefined || stringAt(dict, 'OpticalDeviceType') !== undefined
        ? true
        : undefined,
    mediaKind: opticalMedia,
    mediaName: stringAt(dict, 'MediaName') ?? stringAt(dict, 'IORegistryEntryName'),
    model: stringAt(dict, 'IORegistryEntryName'),
    volumeName: nonEmpty(stringAt(dict, 'VolumeName')),
    fileSystem: stringAt(dict, 'FilesystemType'),
    mountPoint: nonEmpty(mountPoint),
    sizeBytes: numberAt(dict, 'TotalSize') ?? numberAt(dict, 'Size'),
    virtual: virtualOrPhysical === undefined ? undefined : virtualOrPhysical === 'Virtual',
    diskImage: protocol === undefined ? undefined : isDiskImageProtocol(protocol),
    synthesized:
      physicalStores !== undefined || content === APFS_CONTAINER_CONTENT ? true : undefined,
    physicalStores,
    writable: booleanAt(dict, 'WritableMedia'),
    encrypted: booleanAt(dict, 'Encryption') ?? booleanAt(dict, 'FileVault'),
    devicePath: stringAt(dict, 'DeviceTreePath'),
    uuid: stringAt(dict, 'VolumeUUID') ?? stringAt(dict, 'DiskUUID'),
  };
}

/** diskutil and DiskArbitration name an attached image's bus one of these two ways. */
export function isDiskImageProtocol(protocol: string): boolean {
  return protocol === 'Disk Image' || protocol === 'Virtual Interface';
}

function physicalStoresOf(dict: PlistDictionary): string[] | undefined {
  const stores = dict['APFSPhysicalStores'];
  if (!Array.isArray(stores)) return undefined;
  return stores.flatMap((store) => {
    if (!isDictionary(store)) return [];
    const name = stringAt(store, 'APFSPhysicalStore') ?? stringAt(store, 'DeviceIdentifier');
    return name === undefined ? [] : [name];
  });
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
