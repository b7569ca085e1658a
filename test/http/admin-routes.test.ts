import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

for (const backend of BACKENDS) {
  describe(`admin routes on ${backend.name}`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(backend);
    });
    after(() => app.close());

    it('manages a group and its members, auditing each change', async () => {
      const mac = await app.storage.observeDevice({
        platform: 'macos',
        serialNumber: 'R-1',
        name: 'Ada',
      });

      const created = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Studio' } });
      const added = await app.api(`/api/v1/groups/${created.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [mac.id] },
      });
      const renamed = await app.api(`/api/v1/groups/${created.body.id}`, {
        method: 'PATCH',
        body: { name: 'Studio Macs' },
      });
      const device = await app.api(`/api/v1/devices/${mac.id}`);
      const audit = await app.api('/api/v1/audit?limit=3');

      assert.equal(created.status, 201);
      assert.deepEqual(added.body, { added: 1 });
      assert.equal(renamed.body.memberCount, 1);
      assert.deepEqual(device.body.groups, [{ id: created.body.id, name: 'Studio Macs' }]);
      assert.deepEqual(
        audit.body.items.map((e: any) => e.action),
        ['group.update', 'group.members.add', 'group.create'],
      );
      assert.equal(audit.body.items[0].before.name, 'Studio');
      assert.equal(audit.body.items[0].after.name, 'Studio Macs');
      assert.equal(audit.body.items[0].actor, 'admin');
    });

    it('refuses members that are not devices and adds none of the batch', async () => {
      const mac = await app.storage.observeDevice({ platform: 'macos', serialNumber: 'R-2' });
      const group = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Strict' } });

      const response = await app.api(`/api/v1/groups/${group.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [mac.id, 'ghost'] },
      });

      assert.equal(response.status, 400);
      assert.equal(response.body.error.issues[0].message, 'unknown device ghost');
      assert.deepEqual((await app.api(`/api/v1/groups/${group.body.id}`)).body.deviceIds, []);
    });

    it('answers a duplicate group name with 409 and an unknown group with 404', async () => {
      await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Twice' } });

      const again = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Twice' } });
      const missing = await app.api('/api/v1/groups/none');

      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'conflict');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'not_found');
    });

    it('lists and filters devices, and deletes one', async () => {
      const win = await app.storage.observeDevice({
        platform: 'windows',
        serialNumber: 'W-1',
        name: 'Front desk PC',
      });

      const filtered = await app.api('/api/v1/devices?platform=windows&q=front');
      const bad = await app.api('/api/v1/devices?platform=amiga');
      const deleted = await app.api(`/api/v1/devices/${win.id}`, { method: 'DELETE' });

      assert.deepEqual(
        filtered.body.items.map((d: any) => d.serialNumber),
        ['W-1'],
      );
      assert.equal(bad.status, 400);
      assert.equal(deleted.status, 204);
      assert.equal((await app.api(`/api/v1/devices/${win.id}`)).status, 404);
    });

    it('reads and writes organisation settings with validation', async () => {
      const defaults = await app.api('/api/v1/settings');
      const changed = await app.api('/api/v1/settings', {
        method: 'PATCH',
        body: { storeMarket: 'DE', minimumAgentVersion: '2.0.0' },
      });
      const invalid = await app.api('/api/v1/settings', {
        method: 'PATCH',
        body: { storeMarket: 'Germany' },
      });

      assert.equal(defaults.body.storeMarket, 'US');
      assert.equal(changed.body.storeMarket, 'DE');
      assert.equal(changed.body.minimumAgentVersion, '2.0.0');
      assert.equal(invalid.status, 400);
      assert.equal((await app.api('/api/v1/settings')).body.storeMarket, 'DE');
    });

    it('creates, lists and revokes enrolment tokens, showing the secret once', async () => {
      const created = await app.api('/api/v1/enrollment-tokens', {
        method: 'POST',
        body: { name: 'Office', maxUses: 50 },
      });
      const listed = await app.api('/api/v1/enrollment-tokens');
      const revoked = await app.api(`/api/v1/enrollment-tokens/${created.body.id}`, {
        method: 'DELETE',
      });
      const again = await app.api(`/api/v1/enrollment-tokens/${created.body.id}`, {
        method: 'DELETE',
      });

      assert.match(created.body.token, /^lte_/);
      assert.equal(created.body.maxUses, 50);
      assert.equal(JSON.stringify(listed.body).includes(created.body.token), false);
      assert.equal(revoked.status, 204);
      assert.equal(again.status, 404);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`command queue routes on ${backend.name}`, () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp(backend);
    });
    after(() => app.close());

    it("shows a device's queue and cancels a pending command once", async () => {
      const mac = await app.storage.observeDevice({ platform: 'macos', serialNumber: 'CQ-1' });
      await app.server.context.commands.enqueue('apple', [mac.id], () => ({
        id: 'cmd-visible',
        requestType: 'ProfileList',
        payload: '<plist/>',
      }));

      const queue = await app.api(`/api/v1/devices/${mac.id}/commands`);
      const cancelled = await app.api('/api/v1/commands/cmd-visible/cancel', { method: 'POST' });
      const again = await app.api('/api/v1/commands/cmd-visible/cancel', { method: 'POST' });
      const unknown = await app.api('/api/v1/commands/cmd-none/cancel', { method: 'POST' });
      const audit = await app.api('/api/v1/audit?limit=1');

      assert.deepEqual(
        queue.body.items.map((c: any) => [c.id, c.status, c.requestType]),
        [['cmd-visible', 'pending', 'ProfileList']],
      );
      assert.equal(cancelled.body.status, 'cancelled');
      assert.equal(cancelled.body.error, 'cancelled by admin');
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'conflict');
      assert.equal(unknown.status, 404);
      assert.equal(audit.body.items[0].action, 'command.cancel');
    });
  });
}
