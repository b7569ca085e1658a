import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildPlist, isDict, parsePlistDict } from '../../src/apple/mdm-plist.js';
import { storageDeclarationIdentifiers } from '../../src/apple/storage-declarations.js';
import { stableUuid } from '../../src/apple/stable-uuid.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { authenticate, putMdm } from '../helpers/apple.js';
import type { DeviceIdentity } from '../helpers/apple.js';
import { BACKENDS } from '../helpers/backends.js';

const EMPTY_TOKEN = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

interface Mac {
  udid: string;
  identity: DeviceIdentity;
  deviceId: string;
}

/** Enrols a Mac on `osVersion` whose agent meets the restriction's requirements. */
async function enrolMac(app: TestApp, udid: string, osVersion: string): Promise<Mac> {
  const { identity, deviceId } = await authenticate(app, udid, {
    OSVersion: osVersion,
    ProductName: 'Mac15,3',
  });
  await app.storage.observeDevice({
    platform: 'macos',
    udid,
    agentVersion: '9.0.0',
    trayVersion: '9.0.0',
  });
  await app.storage.recordExtensionState(deviceId, 'approved');
  return { udid, identity, deviceId };
}

function ddm(app: TestApp, mac: Mac, endpoint: string, data?: unknown) {
  const body = buildPlist({
    MessageType: 'DeclarativeManagement',
    UDID: mac.udid,
    Endpoint: endpoint,
    ...(data === undefined ? {} : { Data: new Uint8Array(Buffer.from(JSON.stringify(data))) }),
  });
  return putMdm(app, 'checkin', body, mac.identity);
}

/** The Data of every DeclarativeManagement command queued for the device, oldest first. */
async function syncCommands(app: TestApp, deviceId: string) {
  const commands = await app.storage.listCommands({ deviceId, channel: 'apple' });
  return commands
    .filter((c) => c.requestType === 'DeclarativeManagement')
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((c) => {
      const command = parsePlistDict(c.payload).Command;
      const data = isDict(command) ? command.Data : undefined;
      assert.ok(data instanceof Uint8Array);
      return JSON.parse(Buffer.from(data).toString('utf8')) as {
        SyncTokens: { DeclarationsToken: string; Timestamp: string };
      };
    });
}

/** The token the spec of declaration-set.ts gives: SHA-256 over sorted "id\ntoken\n" lines. */
function tokenOf(pairs: [string, string][]) {
  const lines = pairs.map(([id, token]) => `${id}\n${token}\n`).sort();
  return createHash('sha256').update(lines.join('')).digest('hex');
}

async function until(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const backend of BACKENDS) {
  describe(`Apple declarative management on ${backend.name}`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(backend);
    });
    after(() => app.close());

    async function blockPolicy(mac: Mac) {
      const policy = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { kind: 'storage-restriction', name: `USB ${mac.udid}`, settings: { mode: 'block' } },
      });
      const assigned = await app.api(`/api/v1/policies/${policy.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectIds: [mac.deviceId] },
      });
      assert.equal(assigned.status, 201);
      const id = policy.body.id as string;
      return { id, ...storageDeclarationIdentifiers(id), assignmentId: assigned.body.items[0].id };
    }

    it('serves the planned declarations of a macOS 15 Mac, and follows edits', async () => {
      const mac = await enrolMac(app, 'DDM-MAC-15', '15.1');

      const policy = await blockPolicy(mac);

      const serverToken = stableUuid(`${policy.id}|1|block`);
      const token = tokenOf([
        [policy.configuration, serverToken],
        [policy.activation, serverToken],
      ]);
      const announced = await syncCommands(app, mac.deviceId);
      assert.equal(announced.length, 1);
      assert.equal(announced[0]?.SyncTokens.DeclarationsToken, token);
      const tokens = await ddm(app, mac, 'tokens');
      assert.equal(tokens.status, 200);
      assert.deepEqual(tokens.json, announced[0]);
      const items = await ddm(app, mac, 'declaration-items');
      assert.deepEqual(items.json, {
        Declarations: {
          Activations: [{ Identifier: policy.activation, ServerToken: serverToken }],
          Configurations: [{ Identifier: policy.configuration, ServerToken: serverToken }],
          Assets: [],
          Management: [],
        },
        DeclarationsToken: token,
      });
      const configuration = await ddm(
        app,
        mac,
        `declaration/configuration/${policy.configuration}`,
      );
      assert.deepEqual(configuration.json, {
        Type: 'com.apple.configuration.diskmanagement.settings',
        Identifier: policy.configuration,
        ServerToken: serverToken,
        Payload: { Restrictions: { ExternalStorage: 'Disallowed' } },
      });
      const activation = await ddm(app, mac, `declaration/activation/${policy.activation}`);
      assert.deepEqual(activation.json, {
        Type: 'com.apple.activation.simple',
        Identifier: policy.activation,
        ServerToken: serverToken,
        Payload: { StandardConfigurations: [policy.configuration] },
      });

      const edited = await app.api(`/api/v1/policies/${policy.id}`, {
        method: 'PATCH',
        body: { settings: { mode: 'read-only' } },
      });

      assert.equal(edited.status, 200);
      const editedToken = stableUuid(`${policy.id}|2|read-only`);
      const after = await syncCommands(app, mac.deviceId);
      assert.deepEqual(
        after.map((a) => a.SyncTokens.DeclarationsToken),
        [
          token,
          tokenOf([
            [policy.configuration, editedToken],
            [policy.activation, editedToken],
          ]),
        ],
      );
      const readOnly = await ddm(app, mac, `declaration/configuration/${policy.configuration}`);
      assert.deepEqual(readOnly.json, {
        Type: 'com.apple.configuration.diskmanagement.settings',
        Identifier: policy.configuration,
        ServerToken: editedToken,
        Payload: { Restrictions: { ExternalStorage: 'ReadOnly' } },
      });

      const removed = await app.api(
        `/api/v1/policies/${policy.id}/assignments/${policy.assignmentId}`,
        { method: 'DELETE' },
      );

      assert.ok(removed.status === 200 || removed.status === 204);
      const last = await syncCommands(app, mac.deviceId);
      assert.equal(last.length, 3);
      assert.equal(last[2]?.SyncTokens.DeclarationsToken, EMPTY_TOKEN);
      assert.deepEqual((await ddm(app, mac, 'declaration-items')).json, {
        Declarations: { Activations: [], Configurations: [], Assets: [], Management: [] },
        DeclarationsToken: EMPTY_TOKEN,
      });
      const gone = await ddm(app, mac, `declaration/configuration/${policy.configuration}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.json.error?.code, 'apple_declaration_not_found');
    });

    it('answers 404 for a declaration the device does not have, or under another kind', async () => {
      const mac = await enrolMac(app, 'DDM-MAC-404', '15.0');
      const policy = await blockPolicy(mac);

      const unknown = await ddm(app, mac, 'declaration/configuration/dev.latch.disk.nothing');
      const wrongKind = await ddm(app, mac, `declaration/asset/${policy.configuration}`);
      const badEndpoint = await ddm(app, mac, 'declarations');

      assert.deepEqual(
        [unknown, wrongKind, badEndpoint].map((r) => [r.status, r.json.error?.code]),
        [
          [404, 'apple_declaration_not_found'],
          [404, 'apple_declaration_not_found'],
          [400, 'apple_bad_message'],
        ],
      );
    });

    it("shows each declaration's state from the status report", async () => {
      const mac = await enrolMac(app, 'DDM-MAC-STATUS', '15.2');
      const policy = await blockPolicy(mac);
      const serverToken = stableUuid(`${policy.id}|1|block`);
      const report = {
        StatusItems: {
          management: {
            declarations: {
              activations: [
                {
                  identifier: policy.activation,
                  'server-token': serverToken,
                  active: true,
                  valid: 'valid',
                },
              ],
              configurations: [
                {
                  identifier: policy.configuration,
                  'server-token': serverToken,
                  active: false,
                  valid: 'invalid',
                  reasons: [{ code: 'Error.ConfigurationCannotBeApplied' }],
                },
              ],
              assets: [],
              management: [],
            },
          },
        },
        Errors: [],
      };

      const reply = await ddm(app, mac, 'status', report);

      assert.equal(reply.status, 200);
      const apple = await app.api(`/api/v1/devices/${mac.deviceId}/apple`);
      const states = (apple.body.declarations as { reportedAt: number }[]).map(
        ({ reportedAt, ...rest }) => {
          assert.equal(typeof reportedAt, 'number');
          return rest;
        },
      );
      assert.deepEqual(states, [
        {
          identifier: policy.activation,
          kind: 'activation',
          serverToken,
          active: true,
          valid: 'valid',
          reasons: [],
        },
        {
          identifier: policy.configuration,
          kind: 'configuration',
          serverToken,
          active: false,
          valid: 'invalid',
          reasons: [{ code: 'Error.ConfigurationCannotBeApplied' }],
        },
      ]);
      const policies = await app.api(`/api/v1/devices/${mac.deviceId}/apple/policies`);
      const item = policies.body.items[0];
      assert.equal(item.status, 'pending');
      assert.deepEqual(
        item.declarations.map((d: { identifier: string; applied: boolean }) => [
          d.identifier,
          d.applied,
        ]),
        [
          [policy.configuration, false],
          [policy.activation, true],
        ],
      );
    });

    it('refuses a status report that is not JSON and keeps the states', async () => {
      const mac = await enrolMac(app, 'DDM-MAC-BAD', '15.2');
      await ddm(app, mac, 'status', {
        StatusItems: { management: { declarations: { activations: [], configurations: [] } } },
      });
      const body = buildPlist({
        MessageType: 'DeclarativeManagement',
        UDID: mac.udid,
        Endpoint: 'status',
        Data: new Uint8Array(Buffer.from('{not json')),
      });

      const reply = await putMdm(app, 'checkin', body, mac.identity);

      assert.equal(reply.status, 400);
      assert.equal(reply.json.error?.code, 'apple_bad_message');
      const stored = await app.storage.getAppleEnrollment(mac.deviceId);
      assert.equal(
        stored?.declarativeStatus,
        '{"StatusItems":{"management":{"declarations":{"activations":[],"configurations":[]}}}}',
      );
    });

    it('refuses a status report nested 5,000 levels deep with 400, not a 500', async () => {
      // A tester's: the reasons of one declaration nested deep overflowed the stack on storing.
      const mac = await enrolMac(app, 'DDM-MAC-DEEP', '15.2');
      const deep = `${'{"details":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const report =
        '{"StatusItems":{"management":{"declarations":{"configurations":[' +
        `{"identifier":"x","active":false,"valid":"invalid","server-token":"t","reasons":[${deep}]}` +
        ']}}}}';
      const body = buildPlist({
        MessageType: 'DeclarativeManagement',
        UDID: mac.udid,
        Endpoint: 'status',
        Data: new Uint8Array(Buffer.from(report)),
      });

      const reply = await putMdm(app, 'checkin', body, mac.identity);

      assert.equal(reply.status, 400);
      assert.equal(reply.json.error?.code, 'apple_bad_message');
      assert.match(reply.text, /nests deeper than 64 levels/);
    });

    it('tells a Mac of its declarations once it reports macOS 15, and only once', async () => {
      const mac = await enrolMac(app, 'DDM-MAC-UPGRADE', '14.6');
      await blockPolicy(mac);
      assert.deepEqual(await syncCommands(app, mac.deviceId), []);
      // The profiles queued at assignment would be fetched first; this test is about the OS.
      await app.storage.clearQueue('apple', mac.deviceId, 'not this test', Date.now());
      const uuid = 'DDM-UPGRADE-DEVICEINFO';
      await app.storage.enqueueCommands(
        [
          {
            id: uuid,
            channel: 'apple',
            deviceId: mac.deviceId,
            requestType: 'DeviceInformation',
            payload: buildPlist({
              Command: { RequestType: 'DeviceInformation' },
              CommandUUID: uuid,
            }),
          },
        ],
        Date.now(),
      );
      const idle = buildPlist({ Status: 'Idle', UDID: mac.udid });
      assert.match((await putMdm(app, 'connect', idle, mac.identity)).text, new RegExp(uuid));
      const answer = (osVersion: string) =>
        buildPlist({
          UDID: mac.udid,
          CommandUUID: uuid,
          Status: 'Acknowledged',
          QueryResponses: { OSVersion: osVersion, BuildVersion: '24A335', UDID: mac.udid },
        });

      const reply = await putMdm(app, 'connect', answer('15.0'), mac.identity);

      assert.equal(reply.status, 200);
      await until('the DeclarativeManagement command', async () => {
        return (await syncCommands(app, mac.deviceId)).length === 1;
      });
      // The same answer again is recorded once and plans the same set: nothing more is queued.
      await putMdm(app, 'connect', answer('15.0'), mac.identity);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await syncCommands(app, mac.deviceId)).length, 1);
    });

    it('starts a re-enrolled Mac with no announced set', async () => {
      const mac = await enrolMac(app, 'DDM-MAC-AGAIN', '15.1');
      await blockPolicy(mac);
      assert.equal((await syncCommands(app, mac.deviceId)).length, 1);

      await authenticate(app, mac.udid, { OSVersion: '15.1' });

      assert.equal(await app.storage.getAppleDeclarationSync(mac.deviceId), undefined);
      assert.deepEqual(await app.storage.listAppleDeclarationStates(mac.deviceId), []);
    });
  });
}
