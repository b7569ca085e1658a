import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Storage } from '../../src/storage/storage.js';
import { BACKENDS } from '../helpers/backends.js';

const NOW = 1_800_000_000_000;

function credential(deviceId: string, secretHash: string, fingerprint: string | null = null) {
  return {
    deviceId,
    secretHash,
    certificateFingerprint: fingerprint,
    certificateSerial: fingerprint ? 'serial' : null,
    certificateNotAfter: fingerprint ? NOW + 1000 : null,
    issuedAt: NOW,
  };
}

for (const backend of BACKENDS) {
  describe(`AgentChannelStore on ${backend.name}`, () => {
    let storage: Storage;
    before(async () => {
      storage = await backend.open();
    });
    after(() => storage.close());

    it('keeps the first CA stored when two are put', async () => {
      const first = await storage.putAgentCaOnce({
        certificatePem: 'A',
        sealedKey: 'a',
        createdAt: 1,
      });
      const second = await storage.putAgentCaOnce({
        certificatePem: 'B',
        sealedKey: 'b',
        createdAt: 2,
      });

      assert.deepEqual(first, { certificatePem: 'A', sealedKey: 'a', createdAt: 1 });
      assert.deepEqual(second, first);
    });

    it('replaces a credential, finds the live one by secret or certificate, and revokes', async () => {
      const device = await storage.observeDevice({ platform: 'linux', serialNumber: 'ST-1' });
      await storage.replaceAgentCredential(credential(device.id, 'old'));
      await storage.replaceAgentCredential(credential(device.id, 'new', 'fp-1'));

      const old = await storage.findAgentSession({ secretHash: 'old' }, NOW);
      const bySecret = await storage.findAgentSession({ secretHash: 'new' }, NOW);
      const byCertificate = await storage.findAgentSession({ certificateFingerprint: 'fp-1' }, NOW);
      const revoked = await storage.revokeAgentCredentials(device.id, NOW);
      const afterRevoke = await storage.findAgentSession({ secretHash: 'new' }, NOW);

      assert.equal(old, undefined);
      assert.equal(bySecret?.credential.deviceId, device.id);
      assert.equal(bySecret?.stateHash, null);
      assert.equal(bySecret?.dueTasks, 0);
      assert.equal(byCertificate?.credential.id, bySecret?.credential.id);
      assert.equal(byCertificate?.credential.certificateNotAfter, NOW + 1000);
      assert.equal(revoked, 1);
      assert.equal(afterRevoke, undefined);
    });

    it('counts due tasks and the reported state hash in the session', async () => {
      const device = await storage.observeDevice({ platform: 'macos', serialNumber: 'ST-2' });
      await storage.replaceAgentCredential(credential(device.id, 'due'));
      await storage.putAgentState({
        deviceId: device.id,
        stateHash: 'h1',
        state: { osVersion: '14.5' },
        extensionState: 'approved',
        reportedAt: NOW,
      });
      const command = (id: string) => ({
        id,
        channel: 'agent' as const,
        deviceId: device.id,
        requestType: 'exec',
        payload: '{}',
      });
      await storage.enqueueCommands([command('t1'), command('t2')], NOW);
      await storage.enqueueCommands([{ ...command('apple-1'), channel: 'apple' }], NOW);
      const claimed = await storage.claimNextCommand({
        channel: 'agent',
        deviceId: device.id,
        now: NOW,
        owner: 'test',
        leaseMs: 1000,
        maxAttempts: 3,
      });

      const during = await storage.findAgentSession({ secretHash: 'due' }, NOW + 10);
      const afterLease = await storage.findAgentSession({ secretHash: 'due' }, NOW + 1000);

      assert.equal(claimed?.id, 't1');
      assert.equal(during?.stateHash, 'h1');
      assert.equal(during?.dueTasks, 1);
      assert.equal(afterLease?.dueTasks, 2);
      assert.equal((await storage.getAgentState(device.id))?.extensionState, 'approved');
    });

    it('stores each event id of a device once and pages in arrival order', async () => {
      const device = await storage.observeDevice({ platform: 'windows', serialNumber: 'ST-3' });
      const event = (eventId: string) => ({
        eventId,
        kind: 'install.result',
        occurredAt: NOW,
        payload: { eventId },
      });

      const first = await storage.recordAgentEvents(device.id, [event('a'), event('b')], NOW);
      const retried = await storage.recordAgentEvents(device.id, [event('b'), event('c')], NOW);
      const page1 = await storage.listAgentEvents({ deviceId: device.id, limit: 2 });
      const page2 = await storage.listAgentEvents({
        deviceId: device.id,
        limit: 2,
        cursor: page1.nextCursor ?? undefined,
      });

      assert.deepEqual(
        first?.map((e) => e.eventId),
        ['a', 'b'],
      );
      assert.deepEqual(
        retried?.map((e) => e.eventId),
        ['c'],
      );
      assert.deepEqual(
        [...page1.items, ...page2.items].map((e) => e.eventId),
        ['a', 'b', 'c'],
      );
      assert.equal(page2.nextCursor, null);
    });

    it('answers undefined, storing nothing, for a device that no longer exists', async () => {
      const event = { eventId: 'gone-1', kind: 'k', occurredAt: NOW, payload: {} };

      const stored = await storage.recordAgentEvents('no-such-device', [event], NOW);

      assert.equal(stored, undefined);
      const listed = await storage.listAgentEvents({ deviceId: 'no-such-device' });
      assert.deepEqual(listed.items, []);
    });

    it('lists the events after a seq, for a follower', async () => {
      const device = await storage.observeDevice({ platform: 'linux', hardwareUuid: 'ST-AFTER' });
      const stored = await storage.recordAgentEvents(
        device.id,
        ['x', 'y', 'z'].map((eventId) => ({ eventId, kind: 'k', occurredAt: NOW, payload: {} })),
        NOW,
      );

      const after = await storage.listAgentEvents({ deviceId: device.id, after: stored![0]!.seq });

      assert.deepEqual(
        after.items.map((e) => e.eventId),
        ['y', 'z'],
      );
      await assert.rejects(
        storage.listAgentEvents({ after: 0, cursor: after.nextCursor ?? 'x' }),
        /either a cursor or after/,
      );
    });

    if (backend.name === 'postgres') {
      it('commits events in seq order, so a follower at the head skips none', async () => {
        const device = await storage.observeDevice({ platform: 'linux', hardwareUuid: 'ST-ORD' });
        const event = (eventId: string) => ({ eventId, kind: 'k', occurredAt: NOW, payload: {} });
        const head = (await storage.listAgentEvents({ limit: 1000 })).items.at(-1)?.seq ?? 0;
        let recorded!: () => void;
        const holding = new Promise<void>((resolve) => (recorded = resolve));
        let finish!: () => void;
        const finished = new Promise<void>((resolve) => (finish = resolve));
        // The first batch is stored in a transaction that stays open a moment.
        const first = storage.transaction(async (s) => {
          await s.recordAgentEvents(device.id, [event('early')], NOW);
          recorded();
          await finished;
        });
        await holding;
        const second = storage.recordAgentEvents(device.id, [event('late')], NOW);
        await new Promise((resolve) => setTimeout(resolve, 200));

        // The later batch waits for the earlier one: a follower sees neither yet.
        const meanwhile = await storage.listAgentEvents({ after: head });
        finish();
        await Promise.all([first, second]);
        const after = await storage.listAgentEvents({ after: head });

        assert.deepEqual(meanwhile.items, []);
        assert.deepEqual(
          after.items.map((e) => e.eventId),
          ['early', 'late'],
        );
      });
    }

    it('sets the last-seen time of many devices at once', async () => {
      const a = await storage.observeDevice({ platform: 'linux', serialNumber: 'ST-4' });
      const b = await storage.observeDevice({ platform: 'linux', serialNumber: 'ST-5' });

      await storage.touchAgentDevices([a.id, b.id], NOW);

      assert.equal((await storage.getDevice(a.id))?.lastSeenAt, NOW);
      assert.equal((await storage.getDevice(b.id))?.lastSeenAt, NOW);
    });
  });
}
