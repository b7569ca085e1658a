import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideMount } from '../../src/agent/decide-mount.js';
import { readDescriptions } from '../../src/agent/read-descriptions.js';
import type { ClassifyMode } from '../../src/agent/restriction-of-mode.js';
import { restrictionOfMode } from '../../src/agent/restriction-of-mode.js';
import { listFixtures, readFixture } from '../helpers/fixtures.js';

/**
 * Every file in shared/fixtures/disks with the exact decision in block mode for each description:
 * `category decision rule`, prefixed by the device for listings (lsblk, diskutil list).
 */
const EXPECTED: [string, string[]][] = [
  ['apfs-container_intel-nvme-disk1_info.plist', ['internal allow internal-disk']],
  [
    'builtin-sd-reader_apple-sd-card-reader-usb-internal-2011_info.txt',
    ['sd-card deny sd-card-reader'],
  ],
  [
    'builtin-sdxc-reader_macbook-pro-secure-digital-internal_summary.txt',
    ['sd-card deny sd-card-bus'],
  ],
  [
    'disk-image-and-synthesized-apfs-container_list.txt',
    [
      'disk48 disk-image allow disk-image',
      'disk48s1 disk-image allow disk-image',
      'disk49 disk-image allow disk-image',
      'disk49s1 disk-image allow disk-image',
    ],
  ],
  ['disk-image_sparsebundle_dadescription.txt', ['disk-image allow disk-image']],
  ['internal-nvme_intel-ssdpeknw512g8_info.plist', ['internal allow internal-disk']],
  [
    'linux-lsblk-pairs_nvme-cardreaders-usb-stick-cdrom.txt',
    [
      'sda unknown deny unknown-media',
      'sda1 unknown deny unknown-media',
      'sda2 unknown deny unknown-media',
      'sda5 unknown deny unknown-media',
      'sda6 unknown deny unknown-media',
      'sdb external deny removable-media',
      'sdc external deny removable-media',
      'sdd external deny removable-media',
      'sdd1 external deny removable-media',
      'sdd2 external deny removable-media',
      'sr0 unknown deny unknown-media',
      'loop0 disk-image allow disk-image',
      'loop1 disk-image allow disk-image',
      'loop2 disk-image allow disk-image',
      'loop3 disk-image allow disk-image',
      'loop4 disk-image allow disk-image',
      'loop5 disk-image allow disk-image',
      'loop6 disk-image allow disk-image',
      'loop7 disk-image allow disk-image',
      'nvme0n1 internal allow internal-bus',
      'nvme0n1p1 internal allow internal-bus',
      'nvme0n1p2 internal allow internal-bus',
      'nvme0n1p3 internal allow internal-bus',
      'nvme0n1p4 internal allow internal-bus',
    ],
  ],
  [
    'linux-lsblk-pairs_sata-ram-loop.txt',
    [
      'sda unknown allow system-disk',
      'sda1 unknown allow system-disk',
      'sda2 unknown allow system-disk',
      'sda3 unknown allow system-disk',
      'sda4 unknown allow system-disk',
      'sda5 unknown allow system-disk',
      'sda6 unknown allow system-disk',
      'sda7 unknown allow system-disk',
      'ram0 internal allow memory-disk',
      'ram1 internal allow memory-disk',
      'ram2 internal allow memory-disk',
      'ram3 internal allow memory-disk',
      'ram4 internal allow memory-disk',
      'ram5 internal allow memory-disk',
      'ram6 internal allow memory-disk',
      'ram7 internal allow memory-disk',
      'ram8 internal allow memory-disk',
      'ram9 internal allow memory-disk',
      'loop0 disk-image allow disk-image',
      'loop1 disk-image allow disk-image',
      'loop2 disk-image allow disk-image',
      'loop3 disk-image allow disk-image',
      'loop4 disk-image allow disk-image',
      'loop5 disk-image allow disk-image',
      'loop6 disk-image allow disk-image',
      'loop7 disk-image allow disk-image',
      'ram10 internal allow memory-disk',
      'ram11 internal allow memory-disk',
      'ram12 internal allow memory-disk',
      'ram13 internal allow memory-disk',
      'ram14 internal allow memory-disk',
      'ram15 internal allow memory-disk',
    ],
  ],
  [
    'linux-lsblk_raspberry-pi-sd-boot-and-usb-stick.json',
    [
      'sda external deny external-bus',
      'mmcblk0 sd-card deny sd-card-bus',
      'mmcblk0p1 sd-card deny sd-card-bus',
      'mmcblk0p2 sd-card deny sd-card-bus',
    ],
  ],
  [
    'linux-lsblk_ubuntu-vm-loop-sata-cdrom.json',
    [
      'loop0 disk-image allow disk-image',
      'loop1 disk-image allow disk-image',
      'loop2 disk-image allow disk-image',
      'loop3 disk-image allow disk-image',
      'loop4 disk-image allow disk-image',
      'loop5 disk-image allow disk-image',
      'loop6 disk-image allow disk-image',
      'loop7 disk-image allow disk-image',
      'loop8 disk-image allow disk-image',
      'loop9 disk-image allow disk-image',
      'loop10 disk-image allow disk-image',
      'loop11 disk-image allow disk-image',
      'loop12 disk-image allow disk-image',
      'loop13 disk-image allow disk-image',
      'loop14 disk-image allow disk-image',
      'sda internal allow internal-bus',
      'sda1 internal allow internal-bus',
      'sda2 internal allow internal-bus',
      'sr0 optical allow internal-optical-drive',
    ],
  ],
  [
    'linux-lsblk_usb-stick-and-nvme.json',
    [
      'sda external deny removable-media',
      'nvme0n1 internal allow internal-bus',
      'nvme0n1p3 internal allow internal-bus',
      'nvme0n1p1 internal allow internal-bus',
      'nvme0n1p2 internal allow internal-bus',
    ],
  ],
  [
    'list-all_intel-mac-apfs-with-usb-thumb-drive_list.plist',
    [
      'disk0 unknown allow system-disk',
      'disk0s1 unknown allow system-disk',
      'disk0s2 unknown allow system-disk',
      'disk1 unknown allow system-disk',
      'disk1s1 unknown allow system-disk',
      'disk1s2 unknown allow system-disk',
      'disk1s3 unknown allow system-disk',
      'disk1s4 unknown allow system-disk',
      'disk1s5 unknown allow system-disk',
      'disk1s5s1 unknown allow system-disk',
      'disk1s6 unknown allow system-disk',
      'disk2 unknown deny unknown-media',
    ],
  ],
  ['list-external_usb-thumb-drive-unpartitioned_list.plist', ['disk2 unknown deny unknown-media']],
  [
    'list_usb-thumb-drive-no-partitions-key_list.plist',
    ['disk2 unknown deny unknown-media', 'disk2s1 unknown deny unknown-media'],
  ],
  [
    'macos-spusbdatatype_usb-stick-gpt-via-thunderbolt-display-hub_m1pro.json',
    [
      'disk5 external deny external-bus',
      'disk5s1 external deny external-bus',
      'disk5s2 external deny external-bus',
    ],
  ],
  [
    'optical-usb-dvd-writer_hl-dt-st-gp65ns60-dvd-rom_info.txt',
    ['external deny external-optical-drive'],
  ],
  ['usb-ssd-adapter_samsung-pm830-msata-not-removable_info.plist', ['external deny external-bus']],
  ['usb-thumb-drive_flash-disk-removable-fixed_info.txt', ['external deny external-bus']],
  ['usb-thumb-drive_sandisk-cruzer-fit_info.plist', ['external deny external-bus']],
];

function decisions(file: string, mode: ClassifyMode): string[] {
  const { listing, volumes } = readDescriptions(readFixture('disks', file));
  const lookup = (device: string) => volumes.find((volume) => volume.device === device);
  return volumes.map((volume) => {
    const d = decideMount({ volume, lookup }, restrictionOfMode(mode), undefined, 0);
    const line = `${d.category} ${d.decision} ${d.rule}`;
    return listing ? `${volume.device} ${line}` : line;
  });
}

describe('disk descriptions from shared/fixtures/disks', () => {
  it('has an expectation for every fixture file', () => {
    assert.deepEqual(EXPECTED.map(([file]) => file).sort(), listFixtures('disks'));
  });

  for (const [file, expected] of EXPECTED) {
    it(`decides ${file} in block mode`, () => {
      assert.deepEqual(decisions(file, 'block'), expected);
    });
  }

  it('turns every block-mode deny into audit in audit mode and allows the rest', () => {
    for (const [file, expected] of EXPECTED) {
      const audited = expected.map((line) => line.replace(' deny ', ' audit '));
      assert.deepEqual(decisions(file, 'audit'), audited, file);
    }
  });

  it('turns every block-mode deny into read-only in read-only mode, except unknown media', () => {
    for (const [file, expected] of EXPECTED) {
      const readOnly = expected.map((line) =>
        line.includes(' unknown deny ') ? line : line.replace(' deny ', ' read-only '),
      );
      assert.deepEqual(decisions(file, 'read-only'), readOnly, file);
    }
  });

  it('allows everything when the restriction is off', () => {
    for (const [file] of EXPECTED) {
      for (const line of decisions(file, 'off')) assert.match(line, / allow no-restriction$/);
    }
  });
});
