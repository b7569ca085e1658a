import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { installProfileTarget, removeProfileTarget } from '../../src/apple/command-results.js';
import { planForDevice } from '../../src/service/device-policies.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { startAppleSimulator } from '../helpers/apple-simulator.js';
import { freePort, until } from '../helpers/waiting.js';

const MACS = 200;
const POLICY = {
  kind: 'storage-restriction',
  name: 'Mac External Storage Restrictions',
  settings: { mode: 'block' },
};

for (const backend of BACKENDS) {
  describe(`Apple fleet end to end on ${backend.name}`, () => {
    let app: TestApp;
    let apnsPort: number;
    before(async () => {
      apnsPort = await freePort();
      app = await startTestApp(backend, { LATCH_APNS_URL: `http://127.0.0.1:${apnsPort}` });
    });
    after(() => app.close());

    it(`${MACS} simulated Macs get exactly the planned profiles, and lose the policy's`, async () => {
      const simulator = await startAppleSimulator(app, { devices: MACS, apnsPort });

      const devices = (await app.api(`/api/v1/devices?platform=macos&limit=1000`)).body.items as {
        id: string;
      }[];
      const ids = devices.map((d) => d.id);
      assert.equal(ids.length, MACS);
      // What the agent channel would report: the restriction's requirements are met.
      for (const id of ids) {
        const device = (await app.storage.getDevice(id))!;
        await app.storage.observeDevice({
          platform: 'macos',
          udid: device.udid,
          agentVersion: '9.0.0',
          trayVersion: '9.0.0',
        });
        await app.storage.recordExtensionState(id, 'approved');
      }
      const group = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Macs' } });
      await app.api(`/api/v1/groups/${group.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: ids },
      });
      const policy = await app.api('/api/v1/policies', { method: 'POST', body: POLICY });
      assert.equal(policy.status, 201);
      const policyId = policy.body.id as string;

      const assigned = await app.api(`/api/v1/policies/${policyId}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'group', subjectIds: [group.body.id] },
      });

      assert.equal(assigned.status, 201);
      const planned = new Map<string, string[]>();
      for (const id of ids) {
        const plan = (await planForDevice(app.storage, id))!.plan;
        planned.set(id, plan.profiles.map((p) => p.identifier).sort());
      }
      let waitingFor = '';
      await until('every policy applied', async () => {
        for (const id of ids) {
          const status = await app.api(`/api/v1/devices/${id}/apple/policies`);
          if (status.body.items[0]?.status !== 'applied') {
            const queue = await app.storage.listCommands({ deviceId: id });
            waitingFor = JSON.stringify([
              status.body,
              queue.map((c) => [c.requestType, c.status, c.error]),
            ]);
            return false;
          }
        }
        return true;
      }).catch((error: Error) => {
        throw new Error(`${error.message}: ${waitingFor}`);
      });
      for (const id of ids) {
        const commands = await app.storage.listCommands({ deviceId: id, channel: 'apple' });
        const installs = commands.filter((c) => c.requestType === 'InstallProfile');
        assert.deepEqual(
          installs.map((c) => installProfileTarget(c.payload)?.identifier).sort(),
          planned.get(id),
        );
        assert.ok(installs.every((c) => c.status === 'acknowledged'));
        assert.equal(planned.get(id)?.length, 4);
        const asked = commands.filter((c) => c.origin === 'enrolment');
        assert.deepEqual(
          asked.map((c) => [c.requestType, c.status]),
          [['DeviceInformation', 'acknowledged']],
        );
        // The answer filled in what the enrolment alone could not tell.
        const device = await app.storage.getDevice(id);
        assert.equal(device?.supervised, true);
        assert.equal(device?.enrollmentType, 'device');
      }

      const assignment = (await app.api(`/api/v1/policies/${policyId}/assignments`)).body
        .items[0] as { id: string };
      const removed = await app.api(`/api/v1/policies/${policyId}/assignments/${assignment.id}`, {
        method: 'DELETE',
      });

      assert.ok(removed.status === 200 || removed.status === 204);
      const policyProfile = `dev.latch.policy.${policyId}`;
      await until('the policy profile removed everywhere', async () => {
        for (const id of ids) {
          const held = await app.storage.listAppleProfiles(id);
          if (held.some((p) => p.identifier.startsWith(policyProfile))) return false;
        }
        return true;
      });
      for (const id of ids) {
        const commands = await app.storage.listCommands({ deviceId: id, channel: 'apple' });
        const removals = commands.filter((c) => c.requestType === 'RemoveProfile');
        assert.deepEqual(
          removals.map((c) => [removeProfileTarget(c.payload), c.status]),
          [[planned.get(id)!.find((p) => p.startsWith(policyProfile)), 'acknowledged']],
        );
      }
      await until('the last answers counted', async () => {
        const open = await app.storage.listCommands({ channel: 'apple', status: 'sent' });
        return open.length === 0;
      });
      const stopped = await simulator.stop();
      assert.equal(stopped.code, 0);
      const report = JSON.parse(stopped.report) as {
        enrolled: number;
        commands: Record<string, number>;
        profilesInstalled: number;
      };
      assert.equal(report.enrolled, MACS);
      // Each Mac: the enrolment's DeviceInformation, the four planned profiles, one removal.
      assert.deepEqual(report.commands, {
        received: MACS * 6,
        acknowledged: MACS * 6,
        error: 0,
        notNow: 0,
      });
      assert.equal(report.profilesInstalled, MACS * 3);
    });
  });
}
