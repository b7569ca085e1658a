import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`GroupStore on ${backend.name}`, () => {
    let storage: Storage;
    let devices: string[];
    before(async () => {
      storage = await backend.open();
      devices = [];
      for (let i = 0; i < 3; i++) {
        devices.push(
          (await storage.observeDevice({ platform: 'macos', serialNumber: `G-${i}` })).id,
        );
      }
    });
    after(() => storage.close());

    it('creates, renames and lists groups with their member counts', async () => {
      const group = await storage.createGroup({ name: 'Design Macs' });
      await storage.addMembers(group.id, devices.slice(0, 2));

      const renamed = await storage.updateGroup(group.id, { name: 'Design' });
      const listed = await storage.listGroups();

      assert.equal(renamed?.name, 'Design');
      assert.equal(renamed?.memberCount, 2);
      assert.deepEqual(
        listed.map((g) => [g.name, g.memberCount]),
        [['Design', 2]],
      );
    });

    it('adds members once and counts only the new ones', async () => {
      const group = await storage.createGroup({ name: 'Finance' });

      const first = await storage.addMembers(group.id, [devices[0]!, devices[0]!, devices[1]!]);
      const again = await storage.addMembers(group.id, devices);

      assert.equal(first, 2);
      assert.equal(again, 1);
      assert.deepEqual(await storage.listMembers(group.id), [...devices].sort());
    });

    it('adds all members or none when one device does not exist', async () => {
      const group = await storage.createGroup({ name: 'All or none' });

      await assert.rejects(
        storage.transaction((s) => s.addMembers(group.id, [devices[0]!, 'no-such-device'])),
      );

      assert.deepEqual(await storage.listMembers(group.id), []);
    });

    it('removes members and tells the groups of a device', async () => {
      const group = await storage.createGroup({ name: 'Sales' });
      await storage.addMembers(group.id, devices);

      const removed = await storage.removeMembers(group.id, [devices[2]!, 'absent']);
      const groupsOfLast = await storage.groupsOfDevice(devices[2]!);

      assert.equal(removed, 1);
      assert.equal(
        groupsOfLast.some((g) => g.id === group.id),
        false,
      );
      assert.equal(
        (await storage.groupsOfDevice(devices[0]!)).some((g) => g.id === group.id),
        true,
      );
    });

    it('refuses a second group with the same name', async () => {
      await storage.createGroup({ name: 'Unique' });

      await assert.rejects(storage.createGroup({ name: 'Unique' }));
    });

    it('deleting a group deletes its memberships and the assignments made to it', async () => {
      const group = await storage.createGroup({ name: 'Temporary' });
      await storage.addMembers(group.id, devices);
      await storage.assign({
        targetKind: 'policy',
        targetId: 'p-temp',
        subjectKind: 'group',
        subjectId: group.id,
      });

      assert.equal(await storage.deleteGroup(group.id), true);
      assert.equal(await storage.getGroup(group.id), undefined);
      assert.deepEqual(await storage.listMembers(group.id), []);
      assert.deepEqual(await storage.listAssignments({ targetId: 'p-temp' }), []);
    });
  });
}
