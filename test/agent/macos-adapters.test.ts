import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { readDiskArbitrationText } from '../../src/agent/disk-arbitration.js';
import { readDiskutilInfoPlist } from '../../src/agent/diskutil-info.js';
import {
  DiskutilActivityAdapter,
  parseActivityLine,
} from '../../src/agent/macos/diskutil-activity.js';
import { EsBridge } from '../../src/agent/macos/es-bridge.js';
import type { MountReport } from '../../src/agent/mount-report.js';
import { parseOpenStepDictionary, parseXmlPlist } from '../../src/agent/plist-input.js';
import type { ClassifyMode } from '../../src/agent/restriction-of-mode.js';
import { restrictionOfMode } from '../../src/agent/restriction-of-mode.js';
import { StorageControl } from '../../src/agent/storage-control.js';
import type { UserNotice } from '../../src/agent/user-notice.js';
import { readAgentFixture } from '../helpers/agent-fixtures.js';
import { readFixture } from '../helpers/fixtures.js';

const NOW = 1_000_000;
const STICK_PLIST = readFixture('disks', 'usb-thumb-drive_sandisk-cruzer-fit_info.plist');
const SSD_PLIST = readFixture(
  'disks',
  'usb-ssd-adapter_samsung-pm830-msata-not-removable_info.plist',
);
const SPARSE = readFixture('disks', 'disk-image_sparsebundle_dadescription.txt');

function setUp(mode: ClassifyMode) {
  const reports: MountReport[] = [];
  const notices: UserNotice[] = [];
  let n = 0;
  const control = new StorageControl(
    {
      bootId: 'boot-1',
      now: () => NOW,
      newEventId: () => `ev-${++n}`,
      onReport: (r) => reports.push(r),
      onNotice: (notice) => notices.push(notice),
    },
    restrictionOfMode(mode, { helpUrl: 'https://help.example.com/usb' }),
  );
  return { control, reports, notices };
}

/**
 * An event stream as the Endpoint Security extension writes it, composed from the recorded
 * descriptions in shared/fixtures/disks (no native extension can be built here).
 */
function stream(): string[] {
  const sparse = SPARSE.slice(SPARSE.indexOf('{'));
  const auth = { deadline: NOW + 5_000, user: 'ada', fsType: 'msdos', flags: ['nosuid'] };
  return [
    JSON.stringify({
      type: 'auth-mount',
      id: '1',
      ...auth,
      device: 'disk2',
      mountPoint: '/Volumes/NO NAME',
      description: parseXmlPlist(STICK_PLIST),
    }),
    JSON.stringify({
      type: 'auth-mount',
      id: '2',
      ...auth,
      fsType: 'apfs',
      device: 'disk2',
      mountPoint: '/Volumes/Backup',
      description: parseOpenStepDictionary(sparse),
    }),
    JSON.stringify({
      type: 'auth-mount',
      id: '3',
      ...auth,
      device: 'disk2',
      mountPoint: '/Volumes/SSD',
    }),
    'not json',
  ];
}

describe('Endpoint Security bridge', () => {
  it('answers every auth event of a recorded stream with the core’s verdict', async () => {
    const { control, reports, notices } = setUp('block');
    const written: string[] = [];
    const bridge = new EsBridge(control, {
      write: (line) => written.push(line),
      describe: async () => readDiskutilInfoPlist(SSD_PLIST),
      now: () => NOW,
    });

    for (const line of stream()) await bridge.handleLine(line);

    assert.deepEqual(
      written.map((line) => JSON.parse(line)),
      [
        { id: '1', verdict: 'deny', decision: 'deny', rule: 'external-bus' },
        { id: '2', verdict: 'allow', decision: 'allow', rule: 'disk-image' },
        { id: '3', verdict: 'deny', decision: 'deny', rule: 'external-bus' },
      ],
    );
    assert.deepEqual(
      reports.map((r) => `${r.eventId} ${r.user} ${r.bus} ${r.volumeName}`),
      ['ev-1 ada USB NO NAME', 'ev-2 ada USB null'],
    );
    assert.deepEqual(notices[0], {
      title: 'External disk refused',
      body:
        'External device not recognised. External disk mounting is disabled by policy. ' +
        'Contact your IT admin for more information.',
      actionUrl: 'https://help.example.com/usb',
    });
  });

  it('serves a stream, answering a quick event while a slow one waits for its description', async () => {
    const { control } = setUp('block');
    const written: string[] = [];
    let describeSlowly: (() => void) | undefined;
    const bridge = new EsBridge(control, {
      write: (line) => written.push(line),
      describe: () =>
        new Promise((resolve) => {
          describeSlowly = () => resolve(readDiskutilInfoPlist(SSD_PLIST));
        }),
      now: () => NOW,
    });
    const input = new PassThrough();
    const served = bridge.serve(input);

    input.write(`${stream()[2]}\n${stream()[1]}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    const beforeSlow = written.map((line) => JSON.parse(line).id);
    describeSlowly?.();
    input.end();
    await served;

    assert.deepEqual(beforeSlow, ['2']);
    assert.deepEqual(
      written.map((line) => JSON.parse(line).id),
      ['2', '3'],
    );
  });

  it('denies external media when no description arrives before the deadline', async () => {
    const { control } = setUp('block');
    const written: string[] = [];
    const bridge = new EsBridge(control, {
      write: (line) => written.push(line),
      describe: () => new Promise(() => undefined),
      now: () => NOW,
      marginMs: 4_980,
    });

    await bridge.handleLine(stream()[2]!);
    await bridge.handleLine(
      JSON.stringify({ ...JSON.parse(stream()[2]!), id: '4', mountPoint: '/System/Volumes/VM' }),
    );

    assert.deepEqual(
      written.map((line) => JSON.parse(line)),
      [
        { id: '3', verdict: 'deny', decision: 'deny', rule: 'decision-timeout' },
        { id: '4', verdict: 'allow', decision: 'allow', rule: 'system-disk' },
      ],
    );
  });

  it('asks for a read-only mount and refuses a read-write remount in read-only mode', async () => {
    const { control } = setUp('read-only');
    const written: string[] = [];
    const bridge = new EsBridge(control, {
      write: (line) => written.push(line),
      describe: async () => readDiskutilInfoPlist(STICK_PLIST),
      now: () => NOW,
    });
    const base = JSON.parse(stream()[2]!);

    await bridge.handleLine(JSON.stringify(base));
    await bridge.handleLine(JSON.stringify({ ...base, id: '5', flags: ['rdonly', 'noexec'] }));
    await bridge.handleLine(JSON.stringify({ ...base, id: '6', type: 'auth-remount', flags: [] }));

    assert.deepEqual(
      written.map((line) => JSON.parse(line)),
      [
        {
          id: '3',
          verdict: 'deny',
          decision: 'read-only',
          rule: 'external-bus',
          mountReadOnly: true,
        },
        { id: '5', verdict: 'allow', decision: 'read-only', rule: 'external-bus' },
        { id: '6', verdict: 'deny', decision: 'deny', rule: 'read-write-remount-refused' },
      ],
    );
  });

  it('reads the sparse bundle description the same with or without log prefixes', () => {
    const bare = SPARSE.slice(SPARSE.indexOf('{'));
    assert.deepEqual(readDiskArbitrationText(bare), readDiskArbitrationText(SPARSE));
  });
});

describe('diskutil activity fallback', () => {
  it('reads the recorded activity lines', () => {
    const events = readAgentFixture('diskutil-activity_kindle.txt')
      .trim()
      .split('\n')
      .map(parseActivityLine);

    assert.deepEqual(events, [
      {
        kind: 'DiskAppeared',
        device: 'disk5',
        mountPoint: undefined,
        volumeKind: 'msdos',
        volumeName: 'Kindle',
      },
      {
        kind: 'DiskMountApproval',
        device: 'disk5',
        mountPoint: undefined,
        volumeKind: 'msdos',
        volumeName: 'Kindle',
      },
      {
        kind: 'DiskDescriptionChanged',
        device: 'disk5',
        mountPoint: '/Volumes/Kindle',
        volumeKind: undefined,
        volumeName: undefined,
      },
      undefined,
    ]);
  });

  it('unmounts and ejects a refused USB volume once it mounts', async () => {
    const { control, reports } = setUp('block');
    const calls: string[] = [];
    // diskutil and system_profiler answer with recordings: the Cruzer's info and the Mac whose
    // USB stick is disk5.
    const adapter = new DiskutilActivityAdapter(
      control,
      async (command, args) => {
        calls.push(`${command} ${args.join(' ')}`);
        if (command === 'diskutil' && args[0] === 'info') return STICK_PLIST;
        if (command === 'system_profiler') {
          return readFixture(
            'disks',
            'macos-spusbdatatype_usb-stick-gpt-via-thunderbolt-display-hub_m1pro.json',
          );
        }
        return '';
      },
      () => 'ada',
    );

    const outcomes = [];
    for (const line of readAgentFixture('diskutil-activity_kindle.txt').split('\n')) {
      outcomes.push(await adapter.handleLine(line));
    }

    assert.deepEqual(calls, [
      'diskutil info -plist disk5',
      'system_profiler -json SPUSBDataType',
      'diskutil unmount force disk5',
      'diskutil eject disk5',
    ]);
    assert.equal(outcomes.filter(Boolean).length, 1);
    assert.equal(reports[0]?.disk, 'disk5');
    assert.equal(reports[0]?.rule, 'external-bus');
  });

  it('only unmounts a refused volume of a composite USB device, never ejects it', async () => {
    const { control } = setUp('block');
    // The recorded system_profiler output with the stick made the third interface of a printer.
    const usb = JSON.parse(
      readFixture(
        'disks',
        'macos-spusbdatatype_usb-stick-gpt-via-thunderbolt-display-hub_m1pro.json',
      ),
    );
    usb.SPUSBDataType[4]._items[0]._items[3].Media[0]['USB Interface'] = 2;
    const calls: string[] = [];
    const adapter = new DiskutilActivityAdapter(
      control,
      async (command, args) => {
        calls.push(`${command} ${args.join(' ')}`);
        if (command === 'diskutil' && args[0] === 'info') return STICK_PLIST;
        return command === 'system_profiler' ? JSON.stringify(usb) : '';
      },
      () => 'ada',
    );

    await adapter.handleLine(
      "***DiskDescriptionChanged ('disk5s2', DAVolumePath = 'file:///Volumes/OEL9/') Time=20240101-10:00:00.0000",
    );

    assert.deepEqual(calls, [
      'diskutil info -plist disk5s2',
      'system_profiler -json SPUSBDataType',
      'diskutil unmount force disk5s2',
    ]);
  });

  it('enumerates mounted volumes with diskutil list at start and refuses the USB stick', async () => {
    const { control, reports } = setUp('block');
    const calls: string[] = [];
    // Recordings of one Mac: diskutil list with the Cruzer as disk2, and the Cruzer's info.
    const adapter = new DiskutilActivityAdapter(
      control,
      async (command, args) => {
        calls.push(`${command} ${args.join(' ')}`);
        if (args[0] === 'list') {
          return readFixture('disks', 'list-all_intel-mac-apfs-with-usb-thumb-drive_list.plist');
        }
        if (args[0] === 'info') return STICK_PLIST;
        // This Mac's USB listing was not recorded; another Mac's, without disk2, stands in, so
        // the stick is not known to be storage-only and is unmounted without an eject.
        return command === 'system_profiler'
          ? readFixture(
              'disks',
              'macos-spusbdatatype_usb-stick-gpt-via-thunderbolt-display-hub_m1pro.json',
            )
          : '';
      },
      () => 'ada',
    );

    const outcomes = await adapter.reconcile();

    assert.deepEqual(calls, [
      'diskutil list -plist',
      'diskutil info -plist disk2',
      'system_profiler -json SPUSBDataType',
      'diskutil unmount force disk2',
    ]);
    assert.deepEqual(
      outcomes.map((o) => `${o.device} ${o.decision.rule}`),
      ['disk2 external-bus'],
    );
    assert.equal(reports[0]?.volumeName, 'NO NAME');
  });
});
