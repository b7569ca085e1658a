import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DENY_ALL_URI,
  DENY_WRITE_URI,
  readBack,
  settingsForMode,
  storageCommands,
} from '../../src/windows/removable-storage.js';

const get = (target: string) => ({ verb: 'Get', items: [{ target }] });

describe('storage-restriction compiled for the Windows Policy CSP', () => {
  it('block enables the ADMX deny-all policy and reads both nodes back', () => {
    const commands = storageCommands(settingsForMode('block', false), null);

    assert.deepEqual(commands, [
      { verb: 'Replace', items: [{ target: DENY_ALL_URI, format: 'chr', data: '<enabled/>' }] },
      { verb: 'Delete', items: [{ target: DENY_WRITE_URI }] },
      get(DENY_ALL_URI),
      get(DENY_WRITE_URI),
    ]);
  });

  it('read-only after block sets deny-write to 1 and deletes deny-all', () => {
    const commands = storageCommands(settingsForMode('read-only', false), {
      denyAll: true,
      denyWrite: false,
    });

    assert.deepEqual(commands, [
      { verb: 'Replace', items: [{ target: DENY_WRITE_URI, format: 'int', data: '1' }] },
      { verb: 'Delete', items: [{ target: DENY_ALL_URI }] },
      get(DENY_ALL_URI),
      get(DENY_WRITE_URI),
    ]);
  });

  it('audit, no policy and a running exception enforce nothing', () => {
    for (const settings of [
      settingsForMode('audit', false),
      settingsForMode(null, false),
      settingsForMode('block', true),
    ]) {
      assert.deepEqual(settings, { denyAll: false, denyWrite: false });
    }
    assert.deepEqual(
      storageCommands(settingsForMode('audit', false), { denyAll: false, denyWrite: false }),
      [get(DENY_ALL_URI), get(DENY_WRITE_URI)],
    );
  });

  it('never addresses a node other than the two removable-storage ones (printers stay)', () => {
    const targets = new Set<string>();
    for (const mode of ['block', 'read-only', 'audit', null] as const) {
      for (const held of [null, { denyAll: true, denyWrite: true }]) {
        for (const c of storageCommands(settingsForMode(mode, false), held)) {
          if (c.verb !== 'Atomic') for (const i of c.items) targets.add(i.target);
        }
      }
    }

    assert.deepEqual([...targets].sort(), [DENY_ALL_URI, DENY_WRITE_URI].sort());
  });

  it('reads the real state back from the Get answers', () => {
    assert.equal(readBack(DENY_ALL_URI, 200, '<enabled/>'), true);
    assert.equal(readBack(DENY_ALL_URI, 200, '<disabled/>'), false);
    assert.equal(readBack(DENY_ALL_URI, 404, null), false);
    assert.equal(readBack(DENY_WRITE_URI, 200, '1'), true);
    assert.equal(readBack(DENY_WRITE_URI, 200, '0'), false);
    assert.equal(readBack(DENY_WRITE_URI, 500, null), undefined);
  });
});
