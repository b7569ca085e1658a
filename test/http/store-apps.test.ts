import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeStore } from '../../src/catalog/msstore/fake-store.js';
import type { FakeStore } from '../../src/catalog/msstore/fake-store.js';
import { StoreCatalog } from '../../src/catalog/msstore/store-catalog.js';
import { WingetRestClient } from '../../src/catalog/msstore/winget-rest-client.js';
import { reportStoreInstallAnswers, reportWingetExit } from '../../src/service/app-results.js';
import { BACKENDS } from '../helpers/backends.js';
import { startTestApp } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';

for (const backend of BACKENDS) {
  describe(`Microsoft Store apps on ${backend.name}`, () => {
    let store: FakeStore;
    let app: TestApp;
    before(async () => {
      store = await startFakeStore();
      app = await startTestApp(backend, {
        LATCH_STORE_URL: store.url,
        LATCH_STORE_TIMEOUT_MS: '500',
      });
    });
    after(async () => {
      await app.close();
      await store.close();
    });

    it('searches the Store with the kind of each app, then answers from the cache', async () => {
      const first = await app.api('/api/v1/store/search?q=whatsapp&market=CN');
      const requests = store.requests.length;
      const second = await app.api('/api/v1/store/search?q=WhatsApp&market=CN');

      assert.equal(first.status, 200);
      assert.deepEqual(
        first.body.items.map((i: any) => [i.id, i.kind, i.reason]),
        [['9NKSQGP7F2NH', 'unavailable', "not offered in the organisation's market (CN)"]],
      );
      assert.equal(first.body.stale, false);
      assert.deepEqual(second.body.items, first.body.items);
      assert.equal(store.requests.length, requests);
    });

    it('refuses a blank search', async () => {
      const response = await app.api('/api/v1/store/search?q=%20%20');

      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'invalid_request');
    });

    it('answers store_unreachable when the Store is down and nothing is cached', async () => {
      store.setFault({ kind: 'hang' });
      const started = Date.now();
      const response = await app.api('/api/v1/store/search?q=spotify');
      store.setFault({ kind: 'none' });

      assert.equal(response.status, 502);
      assert.equal(response.body.error.code, 'store_unreachable');
      assert.ok(Date.now() - started < 1500);
    });

    it('serves a cached answer marked stale when the Store is down', async () => {
      let now = 1_000_000;
      const client = new WingetRestClient({
        baseUrl: store.url,
        timeoutMs: 300,
        retries: 0,
        backoffMs: 10,
      });
      const catalog = new StoreCatalog(client, app.storage, {
        ttlMs: 60_000,
        maxResults: 10,
        now: () => now,
      });
      await catalog.search('vlc', 'GB');
      now += 120_000;
      store.setFault({ kind: 'status', status: 503 });

      const answer = await catalog.search('vlc', 'GB');
      store.setFault({ kind: 'none' });

      assert.equal(answer.stale, true);
      assert.equal(answer.fetchedAt, 1_000_000);
      assert.equal(answer.staleSince, 1_060_000);
      assert.match(answer.storeError ?? '', /^Microsoft Store unreachable/);
      assert.deepEqual(
        answer.items.map((i) => i.id),
        ['XPDM1ZW6815MQM'],
      );
    });

    it('adds apps by Store URL or ID and refuses one the market does not offer', async () => {
      const byUrl = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: 'https://apps.microsoft.com/detail/9wzdncrfj3pz?hl=en-us&gl=US' },
      });
      const refused = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: '9NKSQGP7F2NH', market: 'CN' },
      });
      const bad = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: 'not a store link' },
      });

      assert.equal(byUrl.status, 201);
      assert.deepEqual(
        [byUrl.body.storeId, byUrl.body.kind, byUrl.body.packageFamilyName],
        ['9WZDNCRFJ3PZ', 'mdm', 'Microsoft.CompanyPortal_8wekyb3d8bbwe'],
      );
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'app_not_deployable');
      assert.equal(bad.status, 400);
    });

    it('assigns to a group and shows each device its state, following the answers', async () => {
      const mdmPc = await app.storage.observeDevice({
        platform: 'windows',
        serialNumber: `W-MDM-${backend.name}`,
        enrollmentType: 'device',
        agentVersion: '1.4.0',
      });
      const agentPc = await app.storage.observeDevice({
        platform: 'windows',
        serialNumber: `W-AGENT-${backend.name}`,
        agentVersion: '1.4.0',
      });
      const mac = await app.storage.observeDevice({
        platform: 'macos',
        serialNumber: `M-${backend.name}`,
      });
      const group = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Office' } });
      await app.api(`/api/v1/groups/${group.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [mdmPc.id, agentPc.id, mac.id] },
      });
      const portal = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: '9WZDNCRFJ3PZ' },
      });
      const reader = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: 'XPDP273C0XHQH2' },
      });

      const assigned = await app.api(`/api/v1/store/apps/${portal.body.id}/assignments`, {
        method: 'POST',
        body: {
          subjectKind: 'group',
          subjectId: group.body.id,
          context: 'device',
          intent: 'install',
        },
      });
      await app.api(`/api/v1/store/apps/${reader.body.id}/assignments`, {
        method: 'POST',
        body: {
          subjectKind: 'device',
          subjectId: agentPc.id,
          context: 'device',
          intent: 'install',
        },
      });
      const before = await app.api(`/api/v1/store/devices/${agentPc.id}/apps`);
      const terms = await app.api('/api/v1/store/terms/accept', { method: 'POST' });
      const released = await app.api(`/api/v1/store/devices/${agentPc.id}/apps`);

      const byDevice = (items: any[]) =>
        Object.fromEntries(items.map((s) => [s.deviceId, [s.state, s.path, s.reason]]));
      assert.equal(assigned.status, 201);
      assert.deepEqual(byDevice(assigned.body.states), {
        [mdmPc.id]: ['pending', 'mdm', null],
        [agentPc.id]: [
          'pending',
          'agent',
          'waiting for an admin to accept the Microsoft Store terms',
        ],
        [mac.id]: ['not-applicable', null, 'Microsoft Store apps install on Windows only'],
      });
      const readerState = (items: any[]) => items.find((s: any) => s.appId === reader.body.id);
      assert.equal(
        readerState(before.body.items).reason,
        'waiting for an admin to accept the Microsoft Store terms',
      );
      assert.equal(terms.body.acceptedBy, 'admin');
      assert.match(readerState(released.body.items).reason, /^a Win32 installer/);
      assert.equal(
        released.body.items.find((s: any) => s.appId === portal.body.id).reason,
        'not MDM-enrolled; installed through the agent with winget',
      );

      await reportStoreInstallAnswers(app.storage, {
        appId: portal.body.id,
        deviceId: mdmPc.id,
        answers: {
          status: null,
          installedPackages: ['Microsoft.CompanyPortal_11.2.1495.0_x64__8wekyb3d8bbwe'],
        },
      });
      await reportWingetExit(app.storage, {
        appId: reader.body.id,
        deviceId: agentPc.id,
        exitCode: -1978334966,
      });
      const states = await app.api(`/api/v1/store/apps/${portal.body.id}/devices`);
      const readerStates = await app.api(`/api/v1/store/apps/${reader.body.id}/devices`);
      const audit = await app.api('/api/v1/audit?limit=10');

      assert.deepEqual(
        states.body.items.find((s: any) => s.deviceId === mdmPc.id),
        {
          ...states.body.items.find((s: any) => s.deviceId === mdmPc.id),
          state: 'installed',
          version: '11.2.1495.0',
        },
      );
      assert.deepEqual(
        [
          readerStates.body.items[0].state,
          readerStates.body.items[0].errorCode,
          readerStates.body.items[0].errorMeaning,
        ],
        ['failed', '0x8A15010A', 'Windows must restart before it can install'],
      );
      assert.ok(
        audit.body.items.some((e: any) => e.action === 'store.terms.accept' && e.actor === 'admin'),
      );
    });

    it('falls back to the agent when the Store path is closed to the device', async () => {
      const pc = await app.storage.observeDevice({
        platform: 'windows',
        serialNumber: `W-FALLBACK-${backend.name}`,
        enrollmentType: 'device',
        agentVersion: '1.4.0',
      });
      const spotify = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: '9NCBCSZSJRSB' },
      });
      await app.api(`/api/v1/store/apps/${spotify.body.id}/assignments`, {
        method: 'POST',
        body: { subjectKind: 'device', subjectId: pc.id, context: 'user', intent: 'install' },
      });

      const moved = await reportStoreInstallAnswers(app.storage, {
        appId: spotify.body.id,
        deviceId: pc.id,
        answers: { status: 2, lastError: 0x803f8001 },
      });
      const lateMdm = await reportStoreInstallAnswers(app.storage, {
        appId: spotify.body.id,
        deviceId: pc.id,
        answers: { status: 3 },
      });
      const done = await reportWingetExit(app.storage, {
        appId: spotify.body.id,
        deviceId: pc.id,
        exitCode: 0,
        version: '1.250.0.0',
      });

      assert.deepEqual(
        [moved?.state, moved?.path, moved?.errorCode],
        ['pending', 'agent', '0x803F8001'],
      );
      assert.match(moved?.reason ?? '', /^the Store path is closed to this device/);
      assert.equal(lateMdm, undefined);
      assert.deepEqual(
        [done?.state, done?.path, done?.version],
        ['installed', 'agent', '1.250.0.0'],
      );
    });

    it('gives a device that joins the group later its state, and drops it when it leaves', async () => {
      const pc = await app.storage.observeDevice({
        platform: 'windows',
        serialNumber: `W-LATE-${backend.name}`,
        enrollmentType: 'device',
      });
      const vlcGroup = await app.api('/api/v1/groups', { method: 'POST', body: { name: 'Media' } });
      const vlc = await app.api('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: 'XPDM1ZW6815MQM' },
      });
      await app.api(`/api/v1/store/apps/${vlc.body.id}/assignments`, {
        method: 'POST',
        body: {
          subjectKind: 'group',
          subjectId: vlcGroup.body.id,
          context: 'user',
          intent: 'install',
        },
      });
      await app.api(`/api/v1/groups/${vlcGroup.body.id}/members`, {
        method: 'POST',
        body: { deviceIds: [pc.id] },
      });

      const joined = await app.api(`/api/v1/store/apps/${vlc.body.id}/devices`);
      await app.api(`/api/v1/groups/${vlcGroup.body.id}/members/${pc.id}`, { method: 'DELETE' });
      const left = await app.api(`/api/v1/store/devices/${pc.id}/apps`);

      assert.deepEqual(
        joined.body.items.map((s: any) => [s.deviceId, s.state, s.context, s.reason]),
        [
          [
            pc.id,
            'not-applicable',
            'user',
            'this legacy Store app installs only through the Latch agent, which the device lacks',
          ],
        ],
      );
      assert.deepEqual(left.body.items, []);
    });
  });
}
