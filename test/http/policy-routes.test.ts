import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PolicyChange } from '../../src/service/policy-events.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';

const BLOCK = {
  kind: 'storage-restriction',
  name: 'Mac External Storage Restrictions',
  settings: { mode: 'block', helpUrl: 'https://it.example.org/usb' },
};

for (const backend of BACKENDS) {
  describe(`policy routes on ${backend.name}`, () => {
    let app: TestApp;
    const events: PolicyChange[] = [];
    before(async () => {
      app = await startTestApp(backend);
      app.server.context.policyEvents.onPolicyChange((event) => {
        events.push(event);
      });
    });
    after(() => app.close());

    const mac = (serial: string, osVersion: string) =>
      app.storage.observeDevice({
        platform: 'macos',
        serialNumber: serial,
        osVersion,
        agentVersion: '1.4.2',
        trayVersion: '1.2.0',
      });

    it('creates, edits (bumping the version) and deletes a policy, auditing each change', async () => {
      const created = await app.api('/api/v1/policies', { method: 'POST', body: BLOCK });
      const edited = await app.api(`/api/v1/policies/${created.body.id}`, {
        method: 'PATCH',
        body: { settings: { mode: 'read-only' } },
      });
      const listed = await app.api('/api/v1/policies');
      const duplicate = await app.api('/api/v1/policies', { method: 'POST', body: BLOCK });
      const deleted = await app.api(`/api/v1/policies/${created.body.id}`, { method: 'DELETE' });
      const gone = await app.api(`/api/v1/policies/${created.body.id}`);
      const audit = await app.api('/api/v1/audit?limit=3');

      assert.equal(created.status, 201);
      assert.equal(created.body.version, 1);
      assert.equal(edited.body.version, 2);
      assert.deepEqual(edited.body.settings, { mode: 'read-only' });
      assert.deepEqual(
        listed.body.items.map((p: { name: string }) => p.name),
        ['Mac External Storage Restrictions'],
      );
      assert.equal(duplicate.status, 409);
      assert.equal(deleted.status, 204);
      assert.equal(gone.status, 404);
      assert.deepEqual(
        audit.body.items.map((e: { action: string }) => e.action),
        ['policy.delete', 'policy.update', 'policy.create'],
      );
    });

    it('refuses a wrong mode, an unknown key and an unknown kind with 400', async () => {
      const wrongMode = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { ...BLOCK, name: 'x', settings: { mode: 'deny' } },
      });
      const unknownKey = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { ...BLOCK, name: 'y', settings: { mode: 'block', allowList: [] } },
      });
      const unknownKind = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { ...BLOCK, name: 'z', kind: 'wifi' },
      });

      assert.deepEqual([wrongMode.status, unknownKey.status, unknownKind.status], [400, 400, 400]);
      assert.equal(wrongMode.body.error.code, 'invalid_request');
    });

    it('assigns to a group, shows each device’s applicability and announces the changes', async () => {
      const ready = await mac('A-1', '14.6.1');
      const old = await mac('A-2', '10.15.7');
      const waiting = await mac('A-3', '15.1');
      await app.storage.recordExtensionState(ready.id, 'approved');
      await app.storage.recordExtensionState(waiting.id, 'pending');
      const group = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Macs' } });
      await app.api(`/api/v1/groups/${group.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [ready.id, old.id, waiting.id] },
      });
      const policy = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { ...BLOCK, name: 'Group block' },
      });
      events.length = 0;

      const assigned = await app.api(`/api/v1/policies/${policy.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'group', subjectIds: [group.body.id] },
      });
      const devices = await app.api(`/api/v1/policies/${policy.body.id}/devices`);
      const perDevice = await app.api(`/api/v1/devices/${ready.id}/policies`);
      const removed = await app.api(
        `/api/v1/policies/${policy.body.id}/assignments/${assigned.body.items[0].id}`,
        { method: 'DELETE' },
      );

      assert.equal(assigned.status, 201);
      const byDevice = Object.fromEntries(
        devices.body.items.map((d: Record<string, unknown>) => [d.deviceId, d]),
      );
      assert.deepEqual(
        [byDevice[ready.id].status, byDevice[ready.id].reason],
        ['applies', undefined],
      );
      assert.deepEqual(
        [byDevice[old.id].status, byDevice[old.id].reason],
        ['not-applicable', 'requires macOS 11 or later'],
      );
      assert.deepEqual(
        [byDevice[waiting.id].status, byDevice[waiting.id].requirement],
        ['pending', 'extension-approved'],
      );
      assert.deepEqual(perDevice.body.items, [{ policyId: policy.body.id, status: 'applies' }]);
      assert.equal(perDevice.body.restriction.helpUrl, 'https://it.example.org/usb');
      assert.deepEqual(
        perDevice.body.profiles.map((p: { identifier: string }) => p.identifier),
        [
          'dev.latch.enrolment.system-extension',
          'dev.latch.enrolment.privacy',
          'dev.latch.enrolment.notifications',
          `dev.latch.policy.${policy.body.id}`,
        ],
      );
      assert.equal(removed.status, 204);
      const sorted = [ready.id, old.id, waiting.id].sort();
      assert.deepEqual(events, [
        { policyId: policy.body.id, deviceIds: sorted, change: 'assigned' },
        { policyId: policy.body.id, deviceIds: sorted, change: 'unassigned' },
      ]);
    });

    it('announces an edit to every device reached, and only new devices on a second assignment', async () => {
      const first = await mac('B-1', '14.0');
      const second = await mac('B-2', '14.0');
      const policy = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { ...BLOCK, name: 'Edit me' },
      });
      await app.api(`/api/v1/policies/${policy.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectIds: [first.id] },
      });
      events.length = 0;

      await app.api(`/api/v1/policies/${policy.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectIds: [first.id, second.id] },
      });
      await app.api(`/api/v1/policies/${policy.body.id}`, {
        method: 'PATCH',
        body: { name: 'Edited' },
      });

      assert.deepEqual(events, [
        { policyId: policy.body.id, deviceIds: [second.id], change: 'assigned' },
        { policyId: policy.body.id, deviceIds: [first.id, second.id].sort(), change: 'updated' },
      ]);
    });

    it('announces group membership changes for the policies assigned to the group', async () => {
      const joiner = await mac('D-1', '14.0');
      const other = await mac('D-2', '14.0');
      const group = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Late' } });
      const policy = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { ...BLOCK, name: 'Via group' },
      });
      await app.api(`/api/v1/policies/${policy.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'group', subjectIds: [group.body.id] },
      });
      await app.api(`/api/v1/policies/${policy.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectIds: [other.id] },
      });
      events.length = 0;

      await app.api(`/api/v1/groups/${group.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [joiner.id, other.id] },
      });
      await app.api(`/api/v1/groups/${group.body.id}/members/${joiner.id}`, { method: 'DELETE' });
      await app.api(`/api/v1/groups/${group.body.id}`, { method: 'DELETE' });

      assert.deepEqual(events, [
        { policyId: policy.body.id, deviceIds: [joiner.id, other.id], change: 'assigned' },
        { policyId: policy.body.id, deviceIds: [joiner.id], change: 'unassigned' },
      ]);
    });

    it('documents the policy routes in the OpenAPI document', async () => {
      const openapi = await app.api('/api/v1/openapi.json');

      assert.deepEqual(
        Object.keys(openapi.body.paths)
          .filter((p) => p.includes('polic') && !p.includes('/apple/'))
          .sort(),
        [
          '/api/v1/devices/{id}/policies',
          '/api/v1/policies',
          '/api/v1/policies/{id}',
          '/api/v1/policies/{id}/assignments',
          '/api/v1/policies/{id}/assignments/{assignmentId}',
          '/api/v1/policies/{id}/devices',
        ],
      );
    });

    it('refuses to assign unknown devices and assigns none of the batch', async () => {
      const real = await mac('C-1', '14.0');
      const policy = await app.api('/api/v1/policies', {
        method: 'POST',
        body: { ...BLOCK, name: 'Strict' },
      });

      const response = await app.api(`/api/v1/policies/${policy.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectIds: [real.id, 'ghost'] },
      });
      const assignments = await app.api(`/api/v1/policies/${policy.body.id}/assignments`);

      assert.equal(response.status, 400);
      assert.equal(response.body.error.issues[0].message, 'unknown device ghost');
      assert.deepEqual(assignments.body.items, []);
    });
  });
}
