import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyVolume } from '../../src/agent/classify-volume.js';
import { readDiskArbitrationText } from '../../src/agent/disk-arbitration.js';
import { readDiskutilInfoPlist } from '../../src/agent/diskutil-info.js';
import { readDiskutilListPlist, readDiskutilListText } from '../../src/agent/diskutil-list.js';
import { readDiskutilInfoText } from '../../src/agent/diskutil-text.js';
import { readLsblkJson, readLsblkPairs } from '../../src/agent/lsblk.js';
import { readUsbStorageDevices } from '../../src/agent/usb-topology.js';
import { readFixture } from '../helpers/fixtures.js';

const FLASH_DISK = 'usb-thumb-drive_flash-disk-removable-fixed_info.txt';
const SD_2011 = 'builtin-sd-reader_apple-sd-card-reader-usb-internal-2011_info.txt';
const OPTICAL = 'optical-usb-dvd-writer_hl-dt-st-gp65ns60-dvd-rom_info.txt';
const SPARSE_BUNDLE = 'disk-image_sparsebundle_dadescription.txt';

describe('diskutil info text', () => {
  it('reads the modern layout, Device Location and Removable Media: Fixed', () => {
    const volume = readDiskutilInfoText(readFixture('disks', FLASH_DISK));

    assert.equal(volume?.device, 'disk2');
    assert.equal(volume?.protocol, 'USB');
    assert.equal(volume?.internal, false);
    assert.equal(volume?.removable, false);
    assert.equal(volume?.sizeBytes, 4009754624);
    assert.equal(volume?.writable, true);
    assert.equal(volume?.volumeName, undefined);
  });

  it('reads the 10.6 layout, where Internal: Yes stands for the location', () => {
    const volume = readDiskutilInfoText(readFixture('disks', SD_2011));

    assert.equal(volume?.internal, true);
    assert.equal(volume?.ejectable, true);
    assert.equal(volume?.wholeDevice, 'disk3');
    assert.equal(volume?.removable, undefined, 'the old layout has no Removable Media line');
    assert.equal(volume?.mediaName, 'APPLE SD Card Reader Media');
  });

  it('reads Media Read-Only (the later spelling of Read-Only Media) and optical lines', () => {
    const volume = readDiskutilInfoText(readFixture('disks', OPTICAL));

    assert.equal(volume?.writable, false);
    assert.equal(volume?.optical, true);
    assert.equal(volume?.mediaKind, 'DVD-ROM');
    assert.equal(volume?.mountPoint, '/Volumes/Untitled');
    assert.equal(volume?.fileSystem, 'cd9660');
  });

  it('reads text whose indentation was lost and whose fields were re-wrapped', () => {
    const original = readFixture('disks', FLASH_DISK);
    const rewrapped = original
      .split('\n')
      .map((line) => line.trim())
      .join(' ')
      .replace(/(.{1,72})(\s|$)/g, '$1\n');

    assert.deepEqual(readDiskutilInfoText(rewrapped), readDiskutilInfoText(original));
  });

  it('reads wider column alignment the same way', () => {
    const original = readFixture('disks', FLASH_DISK);
    const widened = original.replace(/: +/g, ':                 ');

    assert.deepEqual(readDiskutilInfoText(widened), readDiskutilInfoText(original));
  });

  it('leaves fields the text does not print unknown', () => {
    const volume = readDiskutilInfoText('Device Identifier: disk7\nProtocol: PCI-Express\n');

    assert.equal(volume?.internal, undefined);
    assert.equal(volume?.removable, undefined);
    assert.deepEqual(classifyVolume(volume!).rule, 'unknown-media');
  });
});

describe('DiskArbitration descriptions', () => {
  it('reads a description with NSLog prefixes', () => {
    const volume = readDiskArbitrationText(readFixture('disks', SPARSE_BUNDLE));

    assert.equal(volume?.protocol, 'Virtual Interface');
    assert.equal(volume?.model, 'Disk Image');
    assert.equal(volume?.internal, undefined, 'the dump has no DADeviceInternal key');
    assert.equal(volume?.removable, true);
    assert.equal(volume?.whole, true);
    assert.equal(volume?.sizeBytes, 1898338838528);
    assert.equal(volume?.device, 'disk2');
  });

  it('reads the same description without prefixes', () => {
    const text = readFixture('disks', SPARSE_BUNDLE);
    const bare = text.slice(text.indexOf('{'));

    assert.deepEqual(readDiskArbitrationText(bare), readDiskArbitrationText(text));
  });

  it('reads a mounted network volume and its path from a file URL', () => {
    const volume = readDiskArbitrationText(
      '{ DAVolumeNetwork = 1; DAVolumeKind = smbfs; DAVolumeName = Share; ' +
        'DAVolumePath = "file:///Volumes/Team%20Share/"; DAMediaKind = IOMedia; }',
    );

    assert.equal(volume?.mountPoint, '/Volumes/Team Share');
    assert.equal(classifyVolume(volume!).category, 'network');
  });

  it('reads an external Thunderbolt NVMe that is neither removable nor ejectable', () => {
    const volume = readDiskArbitrationText(
      '{ DADeviceProtocol = "PCI-Express"; DADeviceInternal = 0; DAMediaRemovable = 0; ' +
        'DAMediaEjectable = 0; DAMediaWhole = 1; DAMediaKind = IOMedia; }',
    );

    assert.deepEqual(classifyVolume(volume!), {
      category: 'external',
      rule: 'external-device',
      reason: 'The device reports itself as external.',
      refusable: true,
    });
  });
});

describe('diskutil plists', () => {
  it('refuses a plist that declares entities', () => {
    const hostile =
      '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x "USB">]>' +
      '<plist version="1.0"><dict><key>BusProtocol</key><string>&x;</string></dict></plist>';

    assert.throws(() => readDiskutilInfoPlist(hostile), { code: 'invalid_plist' });
  });

  it('reads an APFS container and its physical store', () => {
    const volume = readDiskutilInfoPlist(
      readFixture('disks', 'apfs-container_intel-nvme-disk1_info.plist'),
    );

    assert.equal(volume.synthesized, true);
    assert.deepEqual(volume.physicalStores, ['disk0s2']);
    assert.equal(volume.virtual, true);
  });

  it('marks the disks of the boot volume group as system disks in diskutil list', () => {
    const volumes = readDiskutilListPlist(
      readFixture('disks', 'list-all_intel-mac-apfs-with-usb-thumb-drive_list.plist'),
    );
    const system = volumes.filter((v) => v.system).map((v) => v.device);

    assert.deepEqual(system, [
      'disk0',
      'disk0s1',
      'disk0s2',
      'disk1',
      'disk1s1',
      'disk1s2',
      'disk1s3',
      'disk1s4',
      'disk1s5',
      'disk1s5s1',
      'disk1s6',
    ]);
    assert.equal(volumes.find((v) => v.device === 'disk2')?.mountPoint, '/Volumes/NO NAME');
  });

  it('follows a synthesized container to its physical store in diskutil list text', () => {
    const volumes = readDiskutilListText(
      readFixture('disks', 'disk-image-and-synthesized-apfs-container_list.txt'),
    );

    assert.deepEqual(volumes.find((v) => v.device === 'disk49')?.physicalStores, ['disk48s1']);
    assert.equal(volumes.find((v) => v.device === 'disk48s1')?.diskImage, true);
  });
});

describe('lsblk', () => {
  it('lets a Raspberry Pi keep the SD card it boots from', () => {
    // The fixture's rows with the two mount points Raspberry Pi OS uses added.
    const fixture = JSON.parse(
      readFixture('disks', 'linux-lsblk_raspberry-pi-sd-boot-and-usb-stick.json'),
    );
    const [boot, root] = fixture.blockdevices[1].children;
    boot.mountpoint = '/boot/firmware';
    root.mountpoint = '/';
    const volumes = readLsblkJson(JSON.stringify(fixture));
    const rules = volumes.map((v) => `${v.device} ${classifyVolume(v).rule}`);

    assert.deepEqual(rules, [
      'sda external-bus',
      'mmcblk0 system-disk',
      'mmcblk0p1 system-disk',
      'mmcblk0p2 system-disk',
    ]);
  });

  it('reads lsblk --json -O with typed values, HOTPLUG and MOUNTPOINTS', () => {
    const volumes = readLsblkJson(
      JSON.stringify({
        blockdevices: [
          {
            name: 'sdb',
            kname: 'sdb',
            type: 'disk',
            tran: 'sata',
            rm: false,
            hotplug: true,
            ro: false,
            size: 500107862016,
            mountpoints: [null],
            children: [
              {
                name: 'sdb1',
                kname: 'sdb1',
                type: 'part',
                tran: null,
                rm: false,
                hotplug: true,
                ro: false,
                fstype: 'exfat',
                label: 'Backup',
                mountpoints: ['/media/user01/Backup'],
              },
            ],
          },
        ],
      }),
    );

    assert.equal(volumes[1]?.mountPoint, '/media/user01/Backup');
    assert.equal(volumes[1]?.protocol, 'sata');
    assert.equal(classifyVolume(volumes[1]!).rule, 'hot-pluggable');
  });

  it('decodes escaped UTF-8 in lsblk --pairs values', () => {
    const volumes = readLsblkPairs(
      readFixture('disks', 'linux-lsblk-pairs_nvme-cardreaders-usb-stick-cdrom.txt'),
    );

    assert.equal(
      volumes.find((v) => v.device === 'sdd2')?.mountPoint,
      '/tmp/media/3E3E-E910 (\u2215dev\u2215sdi)',
    );
    assert.equal(volumes.find((v) => v.device === 'sdd2')?.wholeDevice, 'sdd');
  });
});

describe('system_profiler SPUSBDataType', () => {
  it('finds the USB stick behind a display hub and its disks', () => {
    const devices = readUsbStorageDevices(
      readFixture(
        'disks',
        'macos-spusbdatatype_usb-stick-gpt-via-thunderbolt-display-hub_m1pro.json',
      ),
    );

    assert.deepEqual(devices, [
      {
        name: 'PenDrive',
        manufacturer: 'Innostor',
        disks: ['disk5', 'disk5s1', 'disk5s2'],
        storageInterface: 0,
        composite: false,
      },
    ]);
  });

  it('marks a device whose storage is not its first interface as composite', () => {
    // The recorded PenDrive entry, turned into a multifunction printer whose card reader is its
    // third interface (printer 0, scanner 1, storage 2).
    const recorded = JSON.parse(
      readFixture(
        'disks',
        'macos-spusbdatatype_usb-stick-gpt-via-thunderbolt-display-hub_m1pro.json',
      ),
    );
    const hub = recorded.SPUSBDataType[4]._items[0];
    const pen = hub._items[3];
    pen._name = 'OfficeJet Pro 9010';
    pen.Media[0]['USB Interface'] = 2;

    const devices = readUsbStorageDevices(JSON.stringify(recorded));

    assert.deepEqual(
      devices.map((d) => `${d.name} ${d.storageInterface} ${d.composite}`),
      ['OfficeJet Pro 9010 2 true'],
    );
  });
});
