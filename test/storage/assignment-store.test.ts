import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`AssignmentStore on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    it('reaches a device directly and through its groups', async () => {
      const mac = await storage.observeDevice({ platform: 'macos', serialNumber: 'A-1' });
      const other = await storage.observeDevice({ platform: 'macos', serialNumber: 'A-2' });
      const group = await storage.createGroup({ name: 'Engineering' });
      await storage.addMembers(group.id, [mac.id]);

      const direct = await storage.assign({
        targetKind: 'app',
        targetId: '9WZDNCRFJ3PZ',
        subjectKind: 'device',
        subjectId: mac.id,
        options: { intent: 'install' },
      });
      const viaGroup = await storage.assign({
        targetKind: 'policy',
        targetId: 'p-1',
        subjectKind: 'group',
        subjectId: group.id,
      });

      const forMac = await storage.assignmentsForDevice(mac.id);
      // Both were made in the same millisecond, so their order is no promise: compare as sets.
      assert.deepEqual(forMac.map((a) => a.id).sort(), [direct.id, viaGroup.id].sort());
      assert.deepEqual(forMac.find((a) => a.id === direct.id)?.options, { intent: 'install' });
      assert.deepEqual(await storage.assignmentsForDevice(other.id), []);
      assert.deepEqual(await storage.devicesForSubject('group', group.id), [mac.id]);
      assert.deepEqual(await storage.devicesForSubject('device', mac.id), [mac.id]);
      assert.deepEqual(await storage.devicesForSubject('device', 'gone'), []);
    });

    it('assigning the same pair twice updates its options instead of adding a row', async () => {
      const first = await storage.assign({
        targetKind: 'policy',
        targetId: 'p-2',
        subjectKind: 'group',
        subjectId: 'g-x',
        options: { a: 1 },
      });

      const second = await storage.assign({
        targetKind: 'policy',
        targetId: 'p-2',
        subjectKind: 'group',
        subjectId: 'g-x',
        options: { a: 2 },
      });

      assert.equal(second.id, first.id);
      assert.deepEqual(second.options, { a: 2 });
      assert.equal((await storage.listAssignments({ targetId: 'p-2' })).length, 1);
    });

    it('unassigns and reports whether there was an assignment', async () => {
      const a = await storage.assign({
        targetKind: 'app',
        targetId: 'x',
        subjectKind: 'device',
        subjectId: 'd',
      });

      assert.equal(await storage.unassign(a.id), true);
      assert.equal(await storage.unassign(a.id), false);
      assert.equal(await storage.getAssignment(a.id), undefined);
    });
  });
}
