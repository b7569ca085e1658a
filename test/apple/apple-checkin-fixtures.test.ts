import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildPlist } from '../../src/apple/mdm-plist.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { authenticate, deviceIdentity, putMdm } from '../helpers/apple.js';
import { BACKENDS } from '../helpers/backends.js';
import { readFixture } from '../helpers/fixtures.js';

const CHECKIN = 'apple-checkin';

const authenticateTable = [
  {
    file: 'mdmdocs-Authenticate-macos10.11.xml',
    udid: '00000000-1111-2222-3333-444455556666',
    device: {
      platform: 'macos',
      serialNumber: 'C00000000004',
      name: 'device-name',
      model: 'iMac15,1',
      osVersion: '10.11.6',
      osBuild: '15G1004',
    },
    topic: 'com.apple.mgmt.test.00000000-1111-2222-3333-444455556666',
  },
  {
    file: 'mdmdocs-Authenticate-ios9.xml',
    udid: '1111111111111111111111111111111111111111',
    device: {
      platform: 'ipados',
      serialNumber: 'XXXXXXXXXXXX',
      name: null,
      model: 'iPad4,1',
      osVersion: '9.3.2',
      osBuild: '13F69',
    },
    topic: 'io.micromdm.topic.00000000-1111-2222-3333-444455556666',
  },
  {
    file: 'nanomdm-Authenticate-ios9.plist',
    udid: '0000000000000000000000000000000000000001',
    device: {
      platform: 'ipados',
      serialNumber: 'FAKESERIAL02',
      name: null,
      model: 'iPad2,5',
      osVersion: '9.3.5',
      osBuild: '13G36',
    },
    topic: 'com.apple.mgmt.External.00000000-0000-0000-0000-0000000000b1',
  },
];

for (const backend of BACKENDS) {
  describe(`Apple check-in fixtures on ${backend.name}`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(backend);
    });
    after(() => app.close());

    for (const row of authenticateTable) {
      it(`enrols the device of ${row.file}`, async () => {
        const body = readFixture(CHECKIN, row.file);

        const reply = await putMdm(app, 'checkin', body, deviceIdentity(app));

        assert.equal(reply.status, 200);
        const enrollment = await app.storage.findAppleEnrollmentByUdid(row.udid);
        assert.equal(enrollment?.enrolled, true);
        assert.equal(enrollment?.topic, row.topic);
        const device = await app.storage.getDevice(enrollment.deviceId);
        const { platform, serialNumber, name, model, osVersion, osBuild } = device!;
        assert.deepEqual({ platform, serialNumber, name, model, osVersion, osBuild }, row.device);
      });
    }

    it('stores the push token, PushMagic and topic of a device-channel TokenUpdate', async () => {
      const { identity, deviceId } = await authenticate(
        app,
        '00000000-0000-0000-0000-000000000004',
      );
      const body = readFixture(CHECKIN, 'mdmdocs-TokenUpdate-macos10.12.2.xml');

      const reply = await putMdm(app, 'checkin', body, identity);

      assert.equal(reply.status, 200);
      const enrollment = await app.storage.getAppleEnrollment(deviceId);
      const sent = 'MDAyMDEwNTItQTJEMC00MDNELUI4NTctNzJGOTEzRjVCQ0NFCg==';
      assert.equal(enrollment?.pushToken, Buffer.from(sent, 'base64').toString('hex'));
      assert.equal(enrollment?.pushMagic, '00000000-0000-0000-0000-0000000000A2');
      assert.equal(enrollment?.topic, 'com.apple.mgmt.commandment.dev');
      assert.equal(enrollment?.unlockToken, null);
    });

    it('stores the UnlockToken sealed, and it opens to the bytes the device sent', async () => {
      const { identity, deviceId } = await authenticate(
        app,
        '0000000000000000000000000000000000000001',
      );
      const body = readFixture(CHECKIN, 'nanomdm-TokenUpdate-ios9-unlocktoken.plist');

      const reply = await putMdm(app, 'checkin', body, identity);

      assert.equal(reply.status, 200);
      const enrollment = await app.storage.getAppleEnrollment(deviceId);
      assert.equal(enrollment?.pushMagic, '00000000-0000-0000-0000-0000000000A3');
      const token = Buffer.from('FAKE-TOKEN-FAKE-TOKEN-FAKE-TOKEN').toString('hex');
      assert.equal(enrollment?.pushToken, token);
      const unlock = app.server.context.secrets.open(enrollment!.unlockToken!);
      assert.equal(unlock.length, 1288);
      assert.equal(unlock.subarray(0, 17).toString(), 'FAKE-UNLOCKTOKEN-');
      assert.equal(enrollment?.unlockToken?.includes('RkFLRS'), false);
    });

    it('records a user-channel TokenUpdate apart from the device token', async () => {
      const { identity, deviceId } = await authenticate(
        app,
        '00000000-1111-2222-3333-444455556666',
      );
      const body = readFixture(CHECKIN, 'mdmdocs-TokenUpdate-user-macos10.11.plist');

      const reply = await putMdm(app, 'checkin', body, identity);

      assert.equal(reply.status, 200);
      assert.equal((await app.storage.getAppleEnrollment(deviceId))?.pushToken, null);
    });

    it('marks the enrolment checked out on CheckOut', async () => {
      const { identity, deviceId } = await authenticate(
        app,
        '00000000-1111-2222-3333-444455556666',
      );
      await app.storage.enqueueCommands(
        [
          {
            id: 'queued-before-checkout',
            channel: 'apple',
            deviceId,
            requestType: 'ProfileList',
            payload: '<plist/>',
          },
        ],
        Date.now(),
      );
      const body = readFixture(CHECKIN, 'mdmdocs-CheckOut-macos10.11.xml');

      const reply = await putMdm(app, 'checkin', body, identity);
      // A tester's: a checked-out device still fetched the commands queued before.
      const idle = buildPlist({ Status: 'Idle', UDID: '00000000-1111-2222-3333-444455556666' });
      const afterwards = await putMdm(app, 'connect', idle, identity);

      assert.equal(reply.status, 200);
      const enrollment = await app.storage.getAppleEnrollment(deviceId);
      assert.equal(enrollment?.enrolled, false);
      assert.equal(typeof enrollment?.checkedOutAt, 'number');
      const queued = await app.storage.getCommand('queued-before-checkout');
      assert.deepEqual([queued?.status, queued?.error], ['cancelled', 'the device checked out']);
      assert.equal(afterwards.status, 401);
      assert.equal(afterwards.json.error?.code, 'apple_not_enrolled');
    });

    it('stores a declarative management status report as its JSON', async () => {
      const { identity, deviceId } = await authenticate(app, '00008112-0000000000000009');
      const body = readFixture(CHECKIN, 'jamfschool-sniffed-DeclarativeManagement-status.plist');

      const reply = await putMdm(app, 'checkin', body, identity);

      assert.equal(reply.status, 200);
      const stored = (await app.storage.getAppleEnrollment(deviceId))?.declarativeStatus;
      assert.deepEqual(Object.keys(JSON.parse(stored!) as object), ['StatusItems', 'Errors']);
    });

    it('answers 400 naming an unknown MessageType', async () => {
      const udid = 'UNKNOWN-TYPE-UDID';
      const { identity } = await authenticate(app, udid);
      const body =
        '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>' +
        `<key>MessageType</key><string>Frobnicate</string><key>UDID</key><string>${udid}</string>` +
        '</dict></plist>';

      const reply = await putMdm(app, 'checkin', body, identity);

      assert.equal(reply.status, 400);
      assert.equal(reply.json.error?.code, 'apple_unknown_message_type');
      assert.match(reply.text, /Frobnicate/);
    });

    it('declines UserAuthenticate with 410', async () => {
      const udid = 'USER-AUTH-UDID';
      const { identity } = await authenticate(app, udid);
      const body =
        '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>' +
        '<key>MessageType</key><string>UserAuthenticate</string>' +
        `<key>UDID</key><string>${udid}</string><key>UserID</key><string>u1</string>` +
        '</dict></plist>';

      const reply = await putMdm(app, 'checkin', body, identity);

      assert.equal(reply.status, 410);
      assert.equal(reply.json.error?.code, 'apple_user_authenticate_declined');
    });
  });
}
