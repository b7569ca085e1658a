import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

const block = { mode: 'block' as const };

for (const backend of BACKENDS) {
  describe(`PolicyStore on ${backend.name}`, () => {
    let storage: Storage;
    let devices: string[];
    before(async () => {
      storage = await backend.open();
      devices = [];
      for (let i = 0; i < 3; i++) {
        devices.push(
          (await storage.observeDevice({ platform: 'macos', serialNumber: `P-${i}` })).id,
        );
      }
    });
    after(() => storage.close());

    it('creates a policy at version 1 and bumps the version on each edit', async () => {
      const created = await storage.createPolicy({
        kind: 'storage-restriction',
        name: 'Mac External Storage Restrictions',
        settings: block,
      });

      const renamed = await storage.updatePolicy(created.id, { name: 'Macs' });
      const edited = await storage.updatePolicy(created.id, {
        settings: {
          mode: 'read-only',
          exceptions: [{ deviceId: 'd', until: '2030-01-01T00:00:00Z' }],
        },
      });

      assert.equal(created.version, 1);
      assert.equal(renamed?.version, 2);
      assert.equal(renamed?.name, 'Macs');
      assert.equal(edited?.version, 3);
      assert.deepEqual(edited?.settings, {
        mode: 'read-only',
        exceptions: [{ deviceId: 'd', until: '2030-01-01T00:00:00Z' }],
      });
      assert.deepEqual(await storage.getPolicy(created.id), edited);
      assert.equal(await storage.updatePolicy('missing', { name: 'x' }), undefined);
    });

    it('refuses a second policy with the same name', async () => {
      await storage.createPolicy({ kind: 'storage-restriction', name: 'Twice', settings: block });

      await assert.rejects(
        storage.createPolicy({ kind: 'storage-restriction', name: 'Twice', settings: block }),
      );
    });

    it('finds the policies of a device directly and through groups, each once', async () => {
      const direct = await storage.createPolicy({
        kind: 'storage-restriction',
        name: 'A direct',
        settings: block,
      });
      const viaGroup = await storage.createPolicy({
        kind: 'storage-restriction',
        name: 'B group',
        settings: { mode: 'audit' },
      });
      const group = await storage.createGroup({ name: 'Policy group' });
      await storage.addMembers(group.id, [devices[0]!, devices[1]!]);
      await storage.assign({
        targetKind: 'policy',
        targetId: direct.id,
        subjectKind: 'device',
        subjectId: devices[0]!,
      });
      await storage.assign({
        targetKind: 'policy',
        targetId: direct.id,
        subjectKind: 'group',
        subjectId: group.id,
      });
      await storage.assign({
        targetKind: 'policy',
        targetId: viaGroup.id,
        subjectKind: 'group',
        subjectId: group.id,
      });
      await storage.assign({
        targetKind: 'app',
        targetId: direct.id,
        subjectKind: 'device',
        subjectId: devices[2]!,
      });

      const first = await storage.policiesForDevice(devices[0]!);
      const second = await storage.policiesForDevice(devices[1]!);
      const third = await storage.policiesForDevice(devices[2]!);

      assert.deepEqual(
        first.map((p) => p.name),
        ['A direct', 'B group'],
      );
      assert.deepEqual(
        second.map((p) => p.name),
        ['A direct', 'B group'],
      );
      assert.deepEqual(third, []);
    });

    it('deletes a policy with its assignments', async () => {
      const policy = await storage.createPolicy({
        kind: 'storage-restriction',
        name: 'Doomed',
        settings: block,
      });
      await storage.assign({
        targetKind: 'policy',
        targetId: policy.id,
        subjectKind: 'device',
        subjectId: devices[2]!,
      });

      assert.equal(await storage.deletePolicy(policy.id), true);
      assert.equal(await storage.deletePolicy(policy.id), false);
      assert.deepEqual(await storage.listAssignments({ targetId: policy.id }), []);
      assert.deepEqual(await storage.policiesForDevice(devices[2]!), []);
    });

    it('raises the assignment generation on every write that can change one', async () => {
      const seen = [await storage.policyAssignmentsGeneration()];
      const raisedBy = async (write: () => Promise<unknown>) => {
        await write();
        const now = await storage.policyAssignmentsGeneration();
        assert.ok(now > seen.at(-1)!, `${now} after ${seen.at(-1)}`);
        seen.push(now);
      };
      const untouched = async (read: () => Promise<unknown>) => {
        await read();
        assert.equal(await storage.policyAssignmentsGeneration(), seen.at(-1));
      };
      let policyId = '';
      let groupId = '';
      let assignmentId = '';

      await raisedBy(async () => {
        policyId = (
          await storage.createPolicy({ kind: 'storage-restriction', name: 'Gen', settings: block })
        ).id;
      });
      await raisedBy(() => storage.updatePolicy(policyId, { settings: { mode: 'audit' } }));
      await untouched(async () => {
        groupId = (await storage.createGroup({ name: 'Generation group' })).id;
      });
      await raisedBy(() => storage.addMembers(groupId, [devices[0]!]));
      await raisedBy(async () => {
        assignmentId = (
          await storage.assign({
            targetKind: 'policy',
            targetId: policyId,
            subjectKind: 'group',
            subjectId: groupId,
          })
        ).id;
      });
      await untouched(() => storage.policiesForDevice(devices[0]!));
      await raisedBy(() => storage.removeMembers(groupId, [devices[0]!]));
      await raisedBy(() => storage.unassign(assignmentId));
      await raisedBy(() => storage.deletePolicy(policyId));
    });

    it('keeps the last extension state an agent reported, absent before any', async () => {
      assert.equal(await storage.getExtensionState(devices[1]!), 'absent');

      await storage.recordExtensionState(devices[1]!, 'pending', 1_000);
      await storage.recordExtensionState(devices[1]!, 'approved', 2_000);

      assert.equal(await storage.getExtensionState(devices[1]!), 'approved');
    });

    it('takes the extension state of a newer agent check-in', async () => {
      await storage.recordExtensionState(devices[2]!, 'approved', 1_000);
      await storage.putAgentState({
        deviceId: devices[2]!,
        stateHash: 'h',
        state: {},
        extensionState: 'pending',
        reportedAt: 2_000,
      });

      const afterCheckin = await storage.getExtensionState(devices[2]!);
      await storage.recordExtensionState(devices[2]!, 'approved', 3_000);

      assert.equal(afterCheckin, 'pending');
      assert.equal(await storage.getExtensionState(devices[2]!), 'approved');
    });
  });
}
