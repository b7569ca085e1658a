import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { issueIdentity } from '../../src/apple/certificate-authority.js';
import { buildPlist, parsePlistDict } from '../../src/apple/mdm-plist.js';
import { loadSigningIdentity, signProfile } from '../../src/apple/profile-signing.js';
import { notificationsProfile } from '../../src/apple/storage-profiles.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { authenticate, putMdm } from '../helpers/apple.js';
import type { DeviceIdentity } from '../helpers/apple.js';
import { BACKENDS } from '../helpers/backends.js';

const UDID = 'SIGNED-PROFILE-MAC-UDID';

for (const backend of BACKENDS) {
  describe(`InstallProfile through the admin API, on ${backend.name}`, () => {
    let app: TestApp;
    let mac: string;
    let identity: DeviceIdentity;
    before(async () => {
      app = await startTestApp(backend, { LATCH_QUEUE_REQUEST_LIMIT_MB: '1' });
      ({ deviceId: mac, identity } = await authenticate(app, UDID));
    });
    after(() => app.close());

    it('installs a signed profile and records it once the Mac acknowledges', async () => {
      const profile = notificationsProfile();
      // Any certificate and key do to sign with; the CA's own issuing is the nearest at hand.
      const issued = issueIdentity(app.server.context.apple.authority, 'profile signer');
      const signer = await loadSigningIdentity({
        certificatePem: new X509Certificate(issued.certificateDer).toString(),
        keyPem: issued.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      const signed = await signProfile(profile.bytes, signer);

      const queued = await app.api('/api/v1/apple/commands', {
        method: 'POST',
        body: {
          requestType: 'InstallProfile',
          deviceIds: [mac],
          payload: signed.toString('base64'),
        },
      });
      assert.equal(queued.status, 202);
      const idle = await putMdm(app, 'connect', buildPlist({ Status: 'Idle', UDID }), identity);
      const command = parsePlistDict(idle.text);
      assert.equal(command.CommandUUID, queued.body.items[0].id);
      const ack = buildPlist({ Status: 'Acknowledged', UDID, CommandUUID: command.CommandUUID! });
      const answered = await putMdm(app, 'connect', ack, identity);

      assert.equal(answered.status, 200);
      const installed = await app.storage.listAppleProfiles(mac);
      assert.deepEqual(
        installed.map((p) => [p.identifier, p.payloadUuid]),
        [[profile.identifier, profile.uuid]],
      );
    });

    it('refuses a payload that is no profile, and queues nothing', async () => {
      const before = await app.storage.listCommands({ deviceId: mac });

      const response = await app.api('/api/v1/apple/commands', {
        method: 'POST',
        body: {
          requestType: 'InstallProfile',
          deviceIds: [mac],
          payload: Buffer.from('not a profile').toString('base64'),
        },
      });

      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'invalid_profile');
      assert.match(response.body.error.message, /^payload \(the profile, base64\) is not a configuration profile: /);
      assert.equal((await app.storage.listCommands({ deviceId: mac })).length, before.length);
    });

    it('says so when the payload is the profile as XML instead of base64', async () => {
      const response = await app.api('/api/v1/apple/commands', {
        method: 'POST',
        body: {
          requestType: 'InstallProfile',
          deviceIds: [mac],
          payload: notificationsProfile().bytes.toString('utf8'),
        },
      });

      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'invalid_profile');
      assert.equal(
        response.body.error.message,
        'payload looks like the profile itself: send it base64-encoded',
      );
    });

    it('refuses to queue more than the per-request limit, and queues nothing', async () => {
      // A tester's: a large profile for a large group held the database for a minute.
      const big = notificationsProfile().bytes.toString('utf8').replace(
        '</dict>\n</plist>',
        `<key>Padding</key><string>${'x'.repeat(600_000)}</string></dict>\n</plist>`,
      );
      const second = await authenticate(app, 'SECOND-MAC-UDID');
      const before = await app.storage.listCommands({ channel: 'apple' });

      const response = await app.api('/api/v1/apple/commands', {
        method: 'POST',
        body: {
          requestType: 'InstallProfile',
          deviceIds: [mac, second.deviceId],
          payload: Buffer.from(big).toString('base64'),
        },
      });

      assert.equal(response.status, 413);
      assert.equal(response.body.error.code, 'queue_request_too_large');
      assert.match(response.body.error.message, /^2 commands of \d+ bytes each would add 2 MiB/);
      const after = await app.storage.listCommands({ channel: 'apple' });
      assert.equal(after.length, before.length);
    });
  });
}
