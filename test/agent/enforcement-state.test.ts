import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideMount, decideRemount, volumeKey } from '../../src/agent/decide-mount.js';
import { readDiskutilInfoPlist } from '../../src/agent/diskutil-info.js';
import {
  bootState,
  restrictionArrived,
  restrictionRemoved,
  userLoggedOut,
  volumeUnmounted,
} from '../../src/agent/enforcement-state.js';
import { restrictionOfMode } from '../../src/agent/restriction-of-mode.js';
import { readFixture } from '../helpers/fixtures.js';

const stick = readDiskutilInfoPlist(
  readFixture('disks', 'usb-thumb-drive_sandisk-cruzer-fit_info.plist'),
);
const internal = readDiskutilInfoPlist(
  readFixture('disks', 'internal-nvme_intel-ssdpeknw512g8_info.plist'),
);
const STICK = volumeKey(stick);
const NOW = Date.UTC(2026, 11, 4, 9, 0);
const block = restrictionOfMode('block');
const readOnly = restrictionOfMode('read-only');

function verdict(state: ReturnType<typeof bootState>, settings = block, now = NOW) {
  const d = decideMount({ volume: stick }, settings, state, now);
  return `${d.decision} ${d.rule}`;
}

describe('enforcement state', () => {
  it('keys the Cruzer by its volume UUID', () => {
    assert.equal(STICK, '82533DEE-A3AC-3770-BB9B-9298931A927B');
  });

  it('keeps a volume mounted before the restriction arrived, then refuses it after reboot', () => {
    const before = restrictionArrived(bootState('boot-1', false), [{ key: STICK, user: 'ada' }]);

    assert.equal(verdict(before), 'allow mounted-before-restriction');
    assert.equal(verdict(bootState('boot-2', before.restrictionActive)), 'deny external-bus');
  });

  it('refuses it once the user who mounted it logs out, not when another user does', () => {
    const state = restrictionArrived(bootState('boot-1', false), [{ key: STICK, user: 'ada' }]);

    assert.equal(verdict(userLoggedOut(state, 'grace')), 'allow mounted-before-restriction');
    assert.equal(verdict(userLoggedOut(state, 'ada')), 'deny external-bus');
  });

  it('decides a remount after unmounting as a new mount', () => {
    const state = restrictionArrived(bootState('boot-1', false), [{ key: STICK, user: 'ada' }]);

    assert.equal(verdict(volumeUnmounted(state, STICK)), 'deny external-bus');
  });

  it('records nothing new when an active restriction changes', () => {
    const state = restrictionArrived(bootState('boot-1', false), []);
    const changed = restrictionArrived(state, [{ key: STICK, user: 'ada' }]);

    assert.equal(verdict(changed), 'deny external-bus');
  });

  it('counts nothing as already mounted at boot', () => {
    assert.equal(verdict(bootState('boot-9', true)), 'deny external-bus');
  });

  it('stops every refusal at once when the restriction is removed', () => {
    const state = restrictionRemoved(restrictionArrived(bootState('boot-1', false), []));

    assert.equal(state.restrictionActive, false);
    const d = decideMount({ volume: stick }, undefined, state, NOW);
    assert.equal(`${d.decision} ${d.rule}`, 'allow no-restriction');
  });

  it('allows mounts until a device exception ends, and refuses them after', () => {
    const state = restrictionArrived(bootState('boot-1', false), []);
    const excepted = restrictionOfMode('block', {
      exceptionUntil: NOW + 60_000,
    });

    assert.equal(verdict(state, excepted, NOW + 59_999), 'allow device-exception');
    assert.equal(verdict(state, excepted, NOW + 60_000), 'deny external-bus');
  });

  it('refuses a read-write remount of a volume the restriction made read-only', () => {
    const state = restrictionArrived(bootState('boot-1', false), []);
    const request = { volume: stick, readWrite: true };

    assert.equal(decideMount({ volume: stick }, readOnly, state, NOW).decision, 'read-only');
    assert.deepEqual(decideRemount(request, readOnly, state, NOW), {
      category: 'external',
      decision: 'deny',
      rule: 'read-write-remount-refused',
      reason: 'A read-write remount of a restricted volume is refused.',
    });
    assert.equal(
      decideRemount({ ...request, readWrite: false }, readOnly, state, NOW).decision,
      'read-only',
    );
  });

  it('lets the internal disk remount read-write under any restriction', () => {
    const state = restrictionArrived(bootState('boot-1', false), []);
    const d = decideRemount({ volume: internal, readWrite: true }, readOnly, state, NOW);

    assert.equal(`${d.decision} ${d.rule}`, 'allow internal-disk');
  });
});
