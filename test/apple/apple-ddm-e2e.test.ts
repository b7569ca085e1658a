import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storageDeclarationIdentifiers } from '../../src/apple/storage-declarations.js';
import { stableUuid } from '../../src/apple/stable-uuid.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { startAppleSimulator } from '../helpers/apple-simulator.js';
import { freePort, until } from '../helpers/waiting.js';

const MACS = 5;

for (const backend of BACKENDS) {
  describe(`Declarative management end to end on ${backend.name}`, () => {
    let app: TestApp;
    let apnsPort: number;
    before(async () => {
      apnsPort = await freePort();
      app = await startTestApp(backend, { LATCH_APNS_URL: `http://127.0.0.1:${apnsPort}` });
    });
    after(() => app.close());

    it(`${MACS} simulated macOS 15 Macs sync the declarations and report them active`, async () => {
      const simulator = await startAppleSimulator(app, {
        devices: MACS,
        apnsPort,
        args: ['--macos', '15.5'],
      });
      const devices = (await app.api('/api/v1/devices?platform=macos')).body.items as {
        id: string;
        udid: string;
        osVersion: string;
      }[];
      assert.deepEqual(
        devices.map((d) => d.osVersion),
        Array.from({ length: MACS }, () => '15.5'),
      );
      for (const device of devices) {
        await app.storage.observeDevice({
          platform: 'macos',
          udid: device.udid,
          agentVersion: '9.0.0',
          trayVersion: '9.0.0',
        });
        await app.storage.recordExtensionState(device.id, 'approved');
      }
      const policy = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { kind: 'storage-restriction', name: 'Block USB', settings: { mode: 'block' } },
      });
      const policyId = policy.body.id as string;
      const ids = storageDeclarationIdentifiers(policyId);
      const serverToken = stableUuid(`${policyId}|1|block`);

      const assigned = await app.api(`/api/v1/policies/${policyId}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectIds: devices.map((d) => d.id) },
      });

      assert.equal(assigned.status, 201);
      await until('the policy applied, declarations included', async () => {
        for (const device of devices) {
          const status = await app.api(`/api/v1/devices/${device.id}/apple/policies`);
          if (status.body.items[0]?.status !== 'applied') return false;
        }
        return true;
      });
      for (const device of devices) {
        const apple = await app.api(`/api/v1/devices/${device.id}/apple`);
        assert.deepEqual(
          apple.body.declarations.map(
            ({ reportedAt: _, ...state }: { reportedAt: number }) => state,
          ),
          [
            {
              identifier: ids.activation,
              kind: 'activation',
              serverToken,
              active: true,
              valid: 'valid',
              reasons: [],
            },
            {
              identifier: ids.configuration,
              kind: 'configuration',
              serverToken,
              active: true,
              valid: 'valid',
              reasons: [],
            },
          ],
        );
      }

      const assignments = (await app.api(`/api/v1/policies/${policyId}/assignments`)).body
        .items as { id: string }[];
      for (const assignment of assignments) {
        await app.api(`/api/v1/policies/${policyId}/assignments/${assignment.id}`, {
          method: 'DELETE',
        });
      }

      await until('the declarations removed from every Mac', async () => {
        for (const device of devices) {
          const apple = await app.api(`/api/v1/devices/${device.id}/apple`);
          if (apple.body.declarations.length > 0) return false;
        }
        return true;
      });
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
        declarationsActive: number;
      };
      // Each Mac: the enrolment's DeviceInformation, four profiles and a DeclarativeManagement
      // when assigned, then RemoveProfile and a DeclarativeManagement with the empty set.
      assert.deepEqual(report.commands, {
        received: MACS * 8,
        acknowledged: MACS * 8,
        error: 0,
        notNow: 0,
      });
      assert.equal(report.profilesInstalled, MACS * 3);
      assert.equal(report.declarationsActive, 0);
    });
  });
}
