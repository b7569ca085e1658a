import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { followLines } from '../../src/agent/follow-lines.js';
import { parseMountTableChange } from '../../src/agent/linux/findmnt-events.js';
import type { LinuxSystem } from '../../src/agent/linux/linux-enforcement.js';
import { planLinuxEnforcement } from '../../src/agent/linux/linux-enforcement.js';
import { LinuxStorageAdapter } from '../../src/agent/linux/linux-storage-adapter.js';
import { parseUdevOutput, usbInterfaceOf } from '../../src/agent/linux/udev-events.js';
import { readLsblkJson } from '../../src/agent/lsblk.js';
import type { MountReport } from '../../src/agent/mount-report.js';
import { restrictionOfMode } from '../../src/agent/restriction-of-mode.js';
import { StorageControl } from '../../src/agent/storage-control.js';
import { readAgentFixture } from '../helpers/agent-fixtures.js';
import { readFixture } from '../helpers/fixtures.js';

function control(mode: 'block' | 'read-only', reports: MountReport[] = []) {
  let n = 0;
  return new StorageControl(
    {
      bootId: 'boot-1',
      now: () => 1_000,
      newEventId: () => `ev-${++n}`,
      onReport: (report) => reports.push(report),
      onNotice: () => undefined,
    },
    restrictionOfMode(mode),
  );
}

describe('udev and findmnt streams', () => {
  it('reads the recorded kernel uevents of a loop device', () => {
    const events = parseUdevOutput(readAgentFixture('udevadm-monitor-kernel-loop.txt'));

    assert.equal(events.length, 5);
    assert.deepEqual(
      events.map((e) => `${e.action} ${e.devpath} ${e.properties['DEVNAME']}`),
      Array(5).fill('change /devices/virtual/block/loop0 /dev/loop0'),
    );
    assert.equal(events[1]?.properties['DISK_MEDIA_CHANGE'], '1');
  });

  it('finds the USB mass-storage interface of a USB stick from udevadm info', () => {
    const [event] = parseUdevOutput(readAgentFixture('udevadm-info-usb-flashdrive.txt'));

    assert.equal(event?.properties['ID_USB_DRIVER'], 'usb-storage');
    assert.equal(usbInterfaceOf(event?.devpath), '3-1.3:1.0');
  });

  it('reads the recorded findmnt --poll lines', () => {
    const changes = readAgentFixture('findmnt-poll-loop.txt')
      .trim()
      .split('\n')
      .map(parseMountTableChange);

    assert.deepEqual(changes[1], {
      action: 'remount',
      source: '/dev/loop0',
      target: '/tmp/latch-mnt',
      fileSystem: 'ext4',
      options: ['ro', 'noexec', 'relatime'],
    });
    assert.deepEqual(
      changes.map((c) => c?.action),
      ['mount', 'remount', 'umount'],
    );
  });
});

describe('Linux enforcement plan', () => {
  const pairs = readLsblkJson(readFixture('disks', 'linux-lsblk_usb-stick-and-nvme.json'));

  it('unmounts a refused stick and deauthorises only its storage interface', () => {
    assert.deepEqual(planLinuxEnforcement([pairs[0]!], 'deny', '3-1.3:1.0'), [
      { kind: 'unmount', target: '/media/user01/Temp' },
      { kind: 'deauthorize-usb-interface', usbInterface: '3-1.3:1.0' },
    ]);
  });

  it('marks read-only media read-only and remounts them ro,noexec', () => {
    assert.deepEqual(planLinuxEnforcement([pairs[0]!], 'read-only', undefined), [
      { kind: 'set-read-only', device: '/dev/sda' },
      { kind: 'remount-read-only', target: '/media/user01/Temp' },
    ]);
  });

  it('does nothing for allowed and audited mounts', () => {
    assert.deepEqual(planLinuxEnforcement([pairs[0]!], 'audit', '3-1.3:1.0'), []);
  });
});

describe('Linux adapter on recorded outputs', () => {
  it('deauthorises the storage interface of a USB stick as soon as udev adds it', async () => {
    const sysfs = await mkdtemp(join(tmpdir(), 'latch-sysfs-'));
    const authorized = join(sysfs, 'bus/usb/devices/3-1.3:1.0/authorized');
    await mkdir(join(sysfs, 'bus/usb/devices/3-1.3:1.0'), { recursive: true });
    await writeFile(authorized, '1');
    // lsblk answers with the recorded USB stick (util-linux 2.2x columns) plus its bus.
    const lsblk = JSON.parse(readFixture('disks', 'linux-lsblk_usb-stick-and-nvme.json'));
    const stick = { ...lsblk.blockdevices[0], tran: 'usb' };
    const calls: string[] = [];
    const system: LinuxSystem = {
      sysfsRoot: sysfs,
      run: async (command, args) => {
        calls.push(`${command} ${args.join(' ')}`);
        return command === 'lsblk' ? JSON.stringify({ blockdevices: [stick] }) : '';
      },
      writeFile: (path, data) => writeFile(path, data),
    };
    const reports: MountReport[] = [];
    const adapter = new LinuxStorageAdapter(control('block', reports), system, () => 'ada');
    const [event] = parseUdevOutput(readAgentFixture('udevadm-info-usb-flashdrive.txt'));

    const outcome = await adapter.handleBlockEvent({ ...event!, action: 'add' });

    assert.equal(outcome?.decision.rule, 'external-bus');
    assert.deepEqual(calls, ['lsblk --json -O /dev/sda', 'umount /media/user01/Temp']);
    assert.equal(await readFile(authorized, 'utf8'), '0');
    assert.deepEqual(reports, [
      {
        eventId: 'ev-1',
        occurredAt: 1_000,
        user: 'ada',
        disk: 'sda',
        bus: 'usb',
        mediaKind: 'disk',
        volumeName: null,
        sizeBytes: null,
        category: 'external',
        decision: 'deny',
        rule: 'external-bus',
      },
    ]);
    await rm(sysfs, { recursive: true });
  });
});

describe('Linux adapter at start and after new settings', () => {
  // lsblk answers with the recorded USB stick and NVMe disk, the stick's bus added; udevadm with
  // the recorded sysfs path of a USB stick.
  const lsblk = JSON.parse(readFixture('disks', 'linux-lsblk_usb-stick-and-nvme.json'));
  lsblk.blockdevices[0].tran = 'usb';
  const devpath = parseUdevOutput(readAgentFixture('udevadm-info-usb-flashdrive.txt'))[0]!.devpath;

  function recordedSystem(calls: string[], writes: string[]): LinuxSystem {
    return {
      sysfsRoot: '/sys',
      run: async (command, args) => {
        calls.push(`${command} ${args.join(' ')}`);
        if (command === 'lsblk') return JSON.stringify(lsblk);
        return command === 'udevadm' ? `${devpath}\n` : '';
      },
      writeFile: async (path, data) => {
        writes.push(`${path}=${data}`);
      },
    };
  }

  it('refuses a stick that was mounted before boot, and leaves the system disk alone', async () => {
    const calls: string[] = [];
    const writes: string[] = [];
    const adapter = new LinuxStorageAdapter(
      control('block'),
      recordedSystem(calls, writes),
      () => 'ada',
    );

    const outcomes = await adapter.reconcile();

    assert.deepEqual(
      outcomes.map((o) => `${o.device} ${o.decision.decision} ${o.decision.rule}`),
      ['sda deny external-bus'],
    );
    assert.deepEqual(calls, [
      'lsblk --json -O',
      'udevadm info --query=path --name=sda',
      'umount /media/user01/Temp',
    ]);
    assert.deepEqual(writes, ['/sys/bus/usb/devices/3-1.3:1.0/authorized=0']);
  });

  it('keeps the stick when it was mounted before the restriction arrived', async () => {
    const calls: string[] = [];
    const storage = control('block');
    const adapter = new LinuxStorageAdapter(storage, recordedSystem(calls, []), () => 'ada');
    storage.applySettings(null, []);

    const mounted = await adapter.mountedVolumes();
    storage.applySettings(restrictionOfMode('block'), mounted);
    const outcomes = await adapter.reconcile();

    assert.deepEqual(
      mounted.map((m) => m.key),
      ['linux:sda', 'linux:nvme0n1p3', 'linux:nvme0n1p1', 'linux:nvme0n1p2'],
    );
    assert.deepEqual(outcomes, []);
  });
});

describe('following a command line by line', () => {
  it('hands every line over in order and resolves when the command ends', async () => {
    const lines: string[] = [];

    await followLines(
      'printf',
      ['one\\ntwo\\n'],
      async (line) => lines.push(line),
      new AbortController().signal,
    );

    assert.deepEqual(lines, ['one', 'two']);
  });
});
