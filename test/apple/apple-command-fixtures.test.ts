import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildCommandPlist } from '../../src/apple/commands.js';
import type { AppleCommandInput } from '../../src/apple/commands.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { authenticate, putMdm } from '../helpers/apple.js';
import type { DeviceIdentity } from '../helpers/apple.js';
import { BACKENDS } from '../helpers/backends.js';
import { readFixture } from '../helpers/fixtures.js';

const RESULTS = 'apple-command-results';
const MDMDOCS_UDID = '00000000-1111-2222-3333-444455556666';

/** Queues `input` under the fixture's CommandUUID and has the device fetch it with Idle. */
async function sendCommand(
  app: TestApp,
  device: { identity: DeviceIdentity; deviceId: string },
  udid: string,
  commandUuid: string,
  input: AppleCommandInput,
) {
  await app.storage.enqueueCommands(
    [
      {
        id: commandUuid,
        channel: 'apple',
        deviceId: device.deviceId,
        requestType: input.requestType,
        payload: buildCommandPlist(commandUuid, input),
      },
    ],
    Date.now(),
  );
  const idle = `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>Status</key><string>Idle</string><key>UDID</key><string>${udid}</string></dict></plist>`;
  const reply = await putMdm(app, 'connect', idle, device.identity);
  assert.equal(reply.status, 200);
  assert.match(reply.text, new RegExp(`<key>CommandUUID</key><string>${commandUuid}</string>`));
}

for (const backend of BACKENDS) {
  describe(`Apple command result fixtures on ${backend.name}`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(backend);
    });
    after(() => app.close());

    it('updates the inventory from a macOS DeviceInformation answer', async () => {
      const device = await authenticate(app, MDMDOCS_UDID);
      await sendCommand(app, device, MDMDOCS_UDID, MDMDOCS_UDID, {
        requestType: 'DeviceInformation',
      });

      const body = readFixture(RESULTS, 'mdmdocs-DeviceInformation-macos10.11.xml');
      const reply = await putMdm(app, 'connect', body, device.identity);

      assert.equal(reply.status, 200);
      assert.equal(reply.text, '');
      const stored = await app.storage.getDevice(device.deviceId);
      assert.deepEqual(
        [stored?.name, stored?.model, stored?.osVersion, stored?.osBuild, stored?.serialNumber],
        ['micromdm-testing', 'iMac15,1', '10.11.6', '15G1004', 'C00000000004'],
      );
      const command = await app.storage.getCommand(MDMDOCS_UDID);
      assert.equal(command?.status, 'acknowledged');
      assert.equal(command?.result, body);
    });

    it("records a DeviceInformation answer claiming another device's serial, keeping both", async () => {
      // A tester's: the answer failed with a 500 on the unique UDID and was resent forever.
      const other = await app.storage.observeDevice({
        platform: 'macos',
        serialNumber: 'C00000000004',
        udid: 'OTHER-MAC-UDID',
      });
      const udid = 'SERIAL-CLAIMING-UDID';
      const device = await authenticate(app, udid, { SerialNumber: 'OWN-SERIAL' });
      await sendCommand(app, device, udid, 'serial-claim-1', { requestType: 'DeviceInformation' });
      const body = readFixture(RESULTS, 'mdmdocs-DeviceInformation-macos10.11.xml')
        .replace(MDMDOCS_UDID, 'serial-claim-1')
        .replaceAll(MDMDOCS_UDID, udid);

      const reply = await putMdm(app, 'connect', body, device.identity);

      assert.equal(reply.status, 200);
      assert.equal((await app.storage.getCommand('serial-claim-1'))?.status, 'acknowledged');
      const stored = await app.storage.getDevice(device.deviceId);
      assert.deepEqual([stored?.serialNumber, stored?.osVersion], ['OWN-SERIAL', '10.11.6']);
      const untouched = await app.storage.getDevice(other.id);
      assert.deepEqual([untouched?.udid, untouched?.serialNumber], ['OTHER-MAC-UDID', 'C00000000004']);
    });

    it('records supervision from a recent macOS DeviceInformation answer', async () => {
      const udid = '00000000-0000-0000-0000-000000000005';
      const uuid = '02CD8B7A-465F-49E6-86D6-D3ACAAE5529E';
      const device = await authenticate(app, udid);
      await sendCommand(app, device, udid, uuid, { requestType: 'DeviceInformation' });

      const body = readFixture(RESULTS, 'zentral-device_information.plist');
      const reply = await putMdm(app, 'connect', body, device.identity);

      assert.equal(reply.status, 200);
      const stored = await app.storage.getDevice(device.deviceId);
      assert.deepEqual(
        [stored?.name, stored?.model, stored?.osVersion, stored?.osBuild, stored?.supervised],
        ['Yolo', 'VirtualMac2,1', '13.0', '22A5321d', true],
      );
      assert.equal(stored?.serialNumber, 'FAKESER003');
    });

    it('replaces the installed profiles with a ProfileList answer', async () => {
      const fresh = await startTestApp(backend);
      try {
        const device = await authenticate(fresh, MDMDOCS_UDID);
        await sendCommand(fresh, device, MDMDOCS_UDID, MDMDOCS_UDID, {
          requestType: 'ProfileList',
        });

        const body = readFixture(RESULTS, 'mdmdocs-ProfileList-macos10.11.xml');
        const reply = await putMdm(fresh, 'connect', body, device.identity);

        assert.equal(reply.status, 200);
        const profiles = await fresh.storage.listAppleProfiles(device.deviceId);
        assert.deepEqual(
          profiles.map((p) => [p.identifier, p.payloadUuid, p.displayName]),
          [
            [
              'com.github.micromdm.micromdm.mdm',
              'dd3c707b-b18c-4979-bd94-2fe5cd804a47',
              'Enrollment Profile',
            ],
          ],
        );
      } finally {
        await fresh.close();
      }
    });

    it('stores the InstalledApplicationList', async () => {
      const fresh = await startTestApp(backend);
      try {
        const device = await authenticate(fresh, MDMDOCS_UDID);
        await sendCommand(fresh, device, MDMDOCS_UDID, MDMDOCS_UDID, {
          requestType: 'InstalledApplicationList',
        });

        const body = readFixture(RESULTS, 'mdmdocs-InstalledApplicationList-macos10.11.xml');
        const reply = await putMdm(fresh, 'connect', body, device.identity);

        assert.equal(reply.status, 200);
        const enrollment = await fresh.storage.getAppleEnrollment(device.deviceId);
        assert.deepEqual(JSON.parse(enrollment!.installedApplications!), [
          {
            identifier: 'com.apple.systempreferences',
            name: 'System Preferences',
            version: '14.0',
          },
          { identifier: null, name: 'Set Info', version: null },
          { identifier: null, name: 'Install OS X Yosemite', version: null },
        ]);
      } finally {
        await fresh.close();
      }
    });

    it('stores SecurityInfo', async () => {
      const udid = '0000000000000000000000000000000000000002';
      const uuid = '9A105E87-EC35-4F65-A265-423CFB92D624';
      const device = await authenticate(app, udid);
      await sendCommand(app, device, udid, uuid, { requestType: 'SecurityInfo' });

      const body = readFixture(RESULTS, 'zentral-security_info_ios.plist');
      const reply = await putMdm(app, 'connect', body, device.identity);

      assert.equal(reply.status, 200);
      const enrollment = await app.storage.getAppleEnrollment(device.deviceId);
      assert.deepEqual(JSON.parse(enrollment!.securityInfo!), {
        HardwareEncryptionCaps: 3,
        ManagementStatus: { IsUserEnrollment: false },
        PasscodeCompliant: true,
        PasscodeCompliantWithProfiles: true,
        PasscodeLockGracePeriod: 0,
        PasscodeLockGracePeriodEnforced: 0,
        PasscodePresent: false,
      });
    });

    it('stores the ErrorChain of an Error answer and marks the command error', async () => {
      const uuid = '93a81e2a-8fbe-4e4b-b6e5-ee9148893f33';
      const fresh = await startTestApp(backend);
      try {
        const device = await authenticate(fresh, MDMDOCS_UDID);
        await sendCommand(fresh, device, MDMDOCS_UDID, uuid, {
          requestType: 'RemoveProfile',
          identifier: 'x',
        });

        const body = readFixture(RESULTS, 'mdmdocs-Error-invalid-command-macos10.12.5.xml');
        const reply = await putMdm(fresh, 'connect', body, device.identity);

        assert.equal(reply.status, 200);
        const command = await fresh.storage.getCommand(uuid);
        assert.equal(command?.status, 'error');
        assert.deepEqual(JSON.parse(command!.error!), {
          status: 'Error',
          errorChain: [
            {
              ErrorCode: 97,
              ErrorDomain: 'MDMClientError',
              LocalizedDescription:
                "No \\'Identifier\\' in \\'RemoveProfile\\' command <MDMClientError:97>",
            },
          ],
        });
      } finally {
        await fresh.close();
      }
    });

    it('answers an Idle with an empty 200 when nothing is queued', async () => {
      const udid = '00008112-0000000000000009';
      const device = await authenticate(app, udid);

      const body = readFixture(RESULTS, 'jamfschool-sniffed-Idle-ios.plist');
      const reply = await putMdm(app, 'connect', body, device.identity);

      assert.equal(reply.status, 200);
      assert.equal(reply.text, '');
    });
  });
}
