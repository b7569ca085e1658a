import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildCommandPlist } from '../../src/apple/commands.js';
import { buildPlist } from '../../src/apple/mdm-plist.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { authenticate, deviceIdentity, putMdm } from '../helpers/apple.js';
import { BACKENDS } from '../helpers/backends.js';

for (const backend of BACKENDS) {
  describe(`Apple MDM bad input on ${backend.name}`, () => {
    let app: TestApp;
    let owner: Awaited<ReturnType<typeof authenticate>>;
    let stranger: Awaited<ReturnType<typeof authenticate>>;
    const ack = (udid: string, uuid: string) =>
      buildPlist({ Status: 'Acknowledged', UDID: udid, CommandUUID: uuid });
    const queueState = async () =>
      (await app.storage.listCommands({ deviceId: owner.deviceId })).map((c) => [
        c.id,
        c.status,
        c.attempts,
      ]);

    before(async () => {
      app = await startTestApp(backend, { LATCH_BODY_LIMIT: '65536' });
      owner = await authenticate(app, 'OWNER-UDID');
      stranger = await authenticate(app, 'STRANGER-UDID');
      const payload = (id: string) => buildCommandPlist(id, { requestType: 'ProfileList' });
      await app.storage.enqueueCommands(
        ['bad-1', 'bad-2'].map((id) => ({
          id,
          channel: 'apple' as const,
          deviceId: owner.deviceId,
          requestType: 'ProfileList',
          payload: payload(id),
        })),
        Date.now(),
      );
      await putMdm(
        app,
        'connect',
        buildPlist({ Status: 'Idle', UDID: 'OWNER-UDID' }),
        owner.identity,
      );
    });
    after(() => app.close());

    const cases: {
      name: string;
      status: number;
      code: string;
      send: () => ReturnType<typeof putMdm>;
    }[] = [
      {
        name: 'a malformed plist',
        status: 400,
        code: 'apple_bad_message',
        send: () => putMdm(app, 'connect', '<plist><dict><key>Status</key>', owner.identity),
      },
      {
        name: 'a character reference beyond Unicode',
        status: 400,
        code: 'apple_bad_message',
        send: () =>
          putMdm(
            app,
            'connect',
            '<plist version="1.0"><dict><key>Status</key><string>&#x110000;</string></dict></plist>',
            owner.identity,
          ),
      },
      {
        name: 'a plist declaring entities',
        status: 400,
        code: 'apple_bad_message',
        send: () =>
          putMdm(
            app,
            'connect',
            '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "b">]><plist><dict/></plist>',
            owner.identity,
          ),
      },
      {
        name: 'the wrong content type',
        status: 415,
        code: 'unsupported_media_type',
        send: () =>
          putMdm(app, 'connect', ack('OWNER-UDID', 'bad-1'), owner.identity, {
            'content-type': 'application/json',
          }),
      },
      {
        name: 'a check-in content type on the command endpoint',
        status: 415,
        code: 'unsupported_media_type',
        send: () =>
          putMdm(app, 'connect', ack('OWNER-UDID', 'bad-1'), owner.identity, {
            'content-type': 'application/x-apple-aspen-mdm-checkin',
          }),
      },
      {
        name: 'an oversized body',
        status: 413,
        code: 'body_too_large',
        send: () =>
          putMdm(
            app,
            'connect',
            buildPlist({
              Status: 'Acknowledged',
              UDID: 'OWNER-UDID',
              CommandUUID: 'bad-1',
              Pad: 'x'.repeat(70_000),
            }),
            owner.identity,
          ),
      },
      {
        name: 'a missing signature',
        status: 401,
        code: 'apple_bad_signature',
        send: () => putMdm(app, 'connect', ack('OWNER-UDID', 'bad-1'), undefined),
      },
      {
        name: 'a signature that is not CMS',
        status: 401,
        code: 'apple_bad_signature',
        send: () =>
          putMdm(app, 'connect', ack('OWNER-UDID', 'bad-1'), undefined, {
            'mdm-signature': Buffer.from('not a signature').toString('base64'),
          }),
      },
      {
        name: 'a signature over another body',
        status: 401,
        code: 'apple_bad_signature',
        send: () =>
          putMdm(app, 'connect', ack('OWNER-UDID', 'bad-1'), undefined, {
            'mdm-signature': owner.identity.sign(ack('OWNER-UDID', 'bad-2')),
          }),
      },
      {
        name: 'a valid signature with bytes after it',
        status: 401,
        code: 'apple_bad_signature',
        send: () => {
          const body = ack('OWNER-UDID', 'bad-1');
          const signed = Buffer.from(owner.identity.sign(body), 'base64');
          const padded = Buffer.concat([signed, Buffer.alloc(64, 0x41)]);
          return putMdm(app, 'connect', body, undefined, {
            'mdm-signature': padded.toString('base64'),
          });
        },
      },
      {
        name: "another enrolment's identity claiming the owner's UDID",
        status: 401,
        code: 'apple_bad_signature',
        send: () => putMdm(app, 'connect', ack('OWNER-UDID', 'bad-1'), stranger.identity),
      },
      {
        name: "another enrolment's identity re-authenticating as the owner",
        status: 401,
        code: 'apple_identity_bound',
        send: () =>
          putMdm(
            app,
            'checkin',
            buildPlist({
              MessageType: 'Authenticate',
              UDID: 'OWNER-UDID',
              Topic: 'com.apple.mgmt.External.test',
              SerialNumber: 'SER-WNER-UDID',
              DeviceName: 'pwned',
            }),
            stranger.identity,
          ),
      },
      {
        name: 'an identity Latch never issued',
        status: 401,
        code: 'apple_bad_signature',
        send: async () => {
          const foreign = await startTestApp(backend);
          try {
            return await putMdm(
              app,
              'connect',
              ack('OWNER-UDID', 'bad-1'),
              deviceIdentity(foreign),
            );
          } finally {
            await foreign.close();
          }
        },
      },
      {
        name: "an answer to the owner's command from another device",
        status: 400,
        code: 'apple_unknown_command',
        send: () => putMdm(app, 'connect', ack('STRANGER-UDID', 'bad-1'), stranger.identity),
      },
      {
        name: 'an unknown CommandUUID',
        status: 400,
        code: 'apple_unknown_command',
        send: () => putMdm(app, 'connect', ack('OWNER-UDID', 'no-such-command'), owner.identity),
      },
      {
        name: 'an unknown Status',
        status: 400,
        code: 'apple_bad_message',
        send: () =>
          putMdm(
            app,
            'connect',
            buildPlist({ Status: 'Sleepy', UDID: 'OWNER-UDID', CommandUUID: 'bad-1' }),
            owner.identity,
          ),
      },
      {
        // A tester's: the name of a property every JavaScript object has was a 500.
        name: 'a Status named like an object property',
        status: 400,
        code: 'apple_bad_message',
        send: () =>
          putMdm(
            app,
            'connect',
            buildPlist({ Status: 'constructor', UDID: 'OWNER-UDID', CommandUUID: 'bad-1' }),
            owner.identity,
          ),
      },
    ];

    for (const c of cases) {
      it(`refuses ${c.name} with ${c.status} ${c.code} and leaves the queue as it was`, async () => {
        const before = await queueState();

        const reply = await c.send();

        assert.equal(reply.status, c.status);
        assert.equal(reply.json.error?.code, c.code);
        assert.deepEqual(await queueState(), before);
      });
    }

    it('keeps the owner enrolled with its identity and name after the takeover', async () => {
      const enrollment = await app.storage.findAppleEnrollmentByUdid('OWNER-UDID');
      const device = await app.storage.getDevice(owner.deviceId);

      assert.equal(enrollment?.deviceId, owner.deviceId);
      assert.deepEqual(
        new X509Certificate(enrollment!.identityCertificate).raw,
        owner.identity.certificateDer,
      );
      assert.notEqual(device?.name, 'pwned');
    });

    it('still accepts the real answer afterwards', async () => {
      const reply = await putMdm(app, 'connect', ack('OWNER-UDID', 'bad-1'), owner.identity);

      assert.equal(reply.status, 200);
      assert.match(reply.text, /<string>bad-2<\/string>/);
      assert.equal((await app.storage.getCommand('bad-1'))?.status, 'acknowledged');
    });
  });
}
