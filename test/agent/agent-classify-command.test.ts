import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fixturePath } from '../helpers/fixtures.js';
import { LATCH_CLI } from '../helpers/server-process.js';

function classify(...args: string[]) {
  const run = spawnSync(process.execPath, [LATCH_CLI, 'agent', 'classify', ...args], {
    encoding: 'utf8',
  });
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  return { status: run.status, lines };
}

describe('latch agent classify', () => {
  it('prints one JSON line per description and exits 2 when a file is unreadable', () => {
    const stick = fixturePath('disks', 'usb-thumb-drive_sandisk-cruzer-fit_info.plist');
    const missing = fixturePath('disks', 'no-such-file.plist');
    const sd = fixturePath(
      'disks',
      'builtin-sdxc-reader_macbook-pro-secure-digital-internal_summary.txt',
    );

    const { status, lines } = classify(stick, missing, sd);

    assert.equal(status, 2);
    assert.deepEqual(lines[0], {
      file: stick,
      category: 'external',
      decision: 'deny',
      rule: 'external-bus',
      reason: 'External storage on USB.',
    });
    assert.equal(lines[1].file, missing);
    assert.match(lines[1].error, /ENOENT/);
    assert.deepEqual(Object.keys(lines[2]), ['file', 'category', 'decision', 'rule', 'reason']);
    assert.equal(`${lines[2].category} ${lines[2].decision}`, 'sd-card deny');
  });

  it('prints one line per block device, with its kernel name, for lsblk output', () => {
    const pi = fixturePath('disks', 'linux-lsblk_raspberry-pi-sd-boot-and-usb-stick.json');

    const { status, lines } = classify('--mode', 'read-only', pi);

    assert.equal(status, 0);
    assert.deepEqual(
      lines.map((l) => `${l.device} ${l.category} ${l.decision} ${l.rule}`),
      [
        'sda external read-only external-bus',
        'mmcblk0 sd-card read-only sd-card-bus',
        'mmcblk0p1 sd-card read-only sd-card-bus',
        'mmcblk0p2 sd-card read-only sd-card-bus',
      ],
    );
  });

  it('rejects an unknown mode', () => {
    const run = spawnSync(process.execPath, [LATCH_CLI, 'agent', 'classify', '--mode', 'x', 'f'], {
      encoding: 'utf8',
    });

    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /Allowed choices are block, read-only, audit, off/);
  });
});
