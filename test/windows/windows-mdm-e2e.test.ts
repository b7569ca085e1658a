import http from 'node:http';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DENY_ALL_URI, DENY_WRITE_URI } from '../../src/windows/removable-storage.js';
import { parseSyncml } from '../../src/windows/syncml.js';
import { enrollSimulatedDevice, runWindowsFleet } from '../../src/windows/simulator/fleet.js';
import type { FleetReport } from '../../src/windows/simulator/fleet.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';

const DEVICES = 100;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const backend of BACKENDS) {
  describe(`Windows MDM end to end on ${backend.name}`, () => {
    let app: TestApp;
    let deviceIds: string[] = [];
    const stop = new AbortController();
    let fleet: Promise<FleetReport>;

    before(async () => {
      app = await startTestApp(backend, { LATCH_TRUSTED_PROXIES: '127.0.0.1' });
      fleet = runWindowsFleet({
        server: app.url,
        adminToken: app.token,
        devices: DEVICES,
        durationMs: 120_000,
        sessionsPerDevice: 1,
        pollMs: 1000,
        concurrency: 16,
        clientCertHeader: 'x-client-cert',
        signal: stop.signal,
      });
      deviceIds = await waitFor(
        'every device enrolled',
        async () => {
          const page = await app.api('/api/v1/devices?platform=windows&limit=1000');
          const items = page.body.items as { id: string }[];
          return items.length === DEVICES ? items.map((d) => d.id) : undefined;
        },
        180_000,
      );
    });
    after(async () => {
      stop.abort();
      await fleet.catch(() => undefined);
      await app.close();
    });

    it('enrols every device and reads its inventory from DevInfo and DevDetail', async () => {
      const device = await waitFor(
        'inventory',
        async () => {
          const found = await app.api(`/api/v1/devices/${deviceIds[0]}`);
          return found.body.osBuild ? found.body : undefined;
        },
        60_000,
      );

      assert.equal(device.platform, 'windows');
      assert.equal(device.model, 'Simulated PC 1000');
      assert.equal(device.osVersion, '10.0.22631.3447');
      assert.equal(device.osBuild, '22631.3447');
      assert.match(device.name, /^SIM-WIN-\d+$/);
      assert.match(device.serialNumber, /^SIMWIN\d{6}$/);
    });

    it('applies the block policy, reads it back on every device, and lifts it again', async () => {
      const created = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { kind: 'storage-restriction', name: 'Windows USB', settings: { mode: 'block' } },
      });
      assert.equal(created.status, 201);
      const assigned = await app.api(`/api/v1/policies/${created.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectIds: deviceIds },
      });
      assert.equal(assigned.status, 201);

      const pending = new Set(deviceIds);
      const applied = new Map<string, any>();
      await waitFor(
        'the policy read back on every device',
        async () => {
          for (const id of [...pending]) {
            const found = await app.api(`/api/v1/devices/${id}/windows`);
            if (found.body.storage?.status !== 'applied') continue;
            applied.set(id, found.body);
            pending.delete(id);
          }
          return pending.size === 0 ? true : undefined;
        },
        300_000,
      );
      for (const windows of applied.values()) {
        assert.deepEqual(windows.storage.desired, { denyAll: true, denyWrite: false });
        assert.equal(windows.storage.reported.denyAll, true);
        assert.equal(windows.storage.reported.denyWrite, false);
        const replace = windows.commands.find(
          (c: { command: { verb: string } }) => c.command.verb === 'Replace',
        );
        assert.equal(replace.status, 'acknowledged');
        assert.equal(replace.result.status, 200);
        assert.deepEqual(replace.command.items, [
          { target: DENY_ALL_URI, format: 'chr', data: '<enabled/>' },
        ]);
        const targets = windows.commands.flatMap(
          (c: { command: { items: { target: string }[] } }) => c.command.items.map((i) => i.target),
        );
        assert.ok(targets.every((t: string) => t === DENY_ALL_URI || t === DENY_WRITE_URI));
      }

      const removed = await app.api(`/api/v1/policies/${created.body.id}`, { method: 'DELETE' });
      assert.equal(removed.status, 204);
      const lifted = await waitFor(
        'policy lifted',
        async () => {
          const found = await app.api(`/api/v1/devices/${deviceIds[0]}/windows`);
          return found.body.storage?.policyId === null && found.body.storage.status === 'applied'
            ? found.body
            : undefined;
        },
        120_000,
      );
      assert.deepEqual(lifted.storage.reported.denyAll, false);
      const deleteCommand = lifted.commands.find(
        (c: { command: { verb: string } }) => c.command.verb === 'Delete',
      );
      assert.equal(deleteCommand.status, 'acknowledged');
    });

    it('refuses an entity bomb and a truncated message without any effect', async () => {
      const token = await app.api('/api/v1/enrollment-tokens', {
        method: 'POST',
        body: { name: 'one more', maxUses: 1 },
      });
      const agent = new http.Agent();
      const device = await enrollSimulatedDevice(
        { server: app.url, clientCertHeader: 'x-client-cert' },
        999,
        token.body.token,
        agent,
      );
      const headers = {
        'content-type': 'application/vnd.syncml.dm+xml',
        'x-client-cert': encodeURIComponent(device.certificatePem),
      };
      const post = (body: string) =>
        fetch(`${app.url}/ManagementServer/MDM.svc`, { method: 'POST', headers, body });
      const opening = device.client.openSession();
      const bomb =
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>' +
        opening.replace('<VerDTD>1.2</VerDTD>', '<VerDTD>&lol2;</VerDTD>');
      const truncated = opening.slice(0, opening.indexOf('<Final/>') - 20);

      const bombAnswer = await post(bomb);
      const truncatedAnswer = await post(truncated);
      const idsAnswer = await app.api(`/api/v1/devices?platform=windows&q=SIM-WIN-999`);
      const id = idsAnswer.body.items[0].id as string;
      const state = await app.api(`/api/v1/devices/${id}/windows`);
      const realAnswer = await post(opening);
      const partial = parseSyncml(
        await (await post(device.client.openSession().replace('<Final/>', ''))).text(),
      );
      agent.destroy();

      assert.equal(bombAnswer.status, 400);
      assert.equal(
        ((await bombAnswer.json()) as { error: { code: string } }).error.code,
        'xml_dtd_refused',
      );
      assert.equal(truncatedAnswer.status, 400);
      assert.equal(
        ((await truncatedAnswer.json()) as { error: { code: string } }).error.code,
        'xml_malformed',
      );
      assert.deepEqual(state.body.session, { id: null, lastMessage: 0 });
      assert.deepEqual(state.body.inventory, {});
      assert.equal(realAnswer.status, 200);
      // A package that spans several messages: the server asks for the next one, sends nothing.
      assert.equal(partial.final, false);
      assert.deepEqual(
        partial.commands.map((c) => [c.verb, c.cmd ?? null, c.data]),
        [
          ['Status', 'SyncHdr', '200'],
          ['Status', 'Alert', '200'],
          ['Status', 'Alert', '200'],
          ['Status', 'Replace', '200'],
          ['Alert', null, '1222'],
        ],
      );
    });

    it('refuses a forwarded certificate from an address that is not a trusted proxy', async () => {
      const untrusted = await startTestApp(backend, {});
      const answer = await fetch(`${untrusted.url}/ManagementServer/MDM.svc`, {
        method: 'POST',
        headers: {
          'content-type': 'application/vnd.syncml.dm+xml',
          'x-client-cert': encodeURIComponent(
            '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
          ),
        },
        body: '<SyncML/>',
      });
      await untrusted.close();

      assert.equal(answer.status, 401);
      assert.equal(
        ((await answer.json()) as { error: { code: string } }).error.code,
        'client_certificate_required',
      );
    });
  });
}
