import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApnsClient } from '../../src/apple/apns.js';
import { ApnsStandIn } from '../../src/apple/simulator/apns-stand-in.js';

describe('APNs client against the documented APNs answers', () => {
  it('reports 200, 400 BadDeviceToken and 410 Unregistered per token', async () => {
    const apns = new ApnsStandIn();
    const url = await apns.listen();
    const woken: string[] = [];
    apns.register('aa01', (magic) => woken.push(magic));
    apns.register('bb02', () => undefined);
    apns.unregister('bb02', 1_700_000_000_000);
    const client = new ApnsClient({ url });

    const results = await client.push([
      { token: 'aa01', pushMagic: 'magic-1', topic: 'com.apple.mgmt.External.t' },
      { token: 'bb02', pushMagic: 'magic-2', topic: 'com.apple.mgmt.External.t' },
      { token: 'cc03', pushMagic: 'magic-3', topic: 'com.apple.mgmt.External.t' },
    ]);
    client.close();
    await apns.close();

    const byToken = Object.fromEntries(results.map((r) => [r.token, [r.status, r.reason]]));
    assert.deepEqual(byToken, {
      aa01: [200, null],
      bb02: [410, 'Unregistered'],
      cc03: [400, 'BadDeviceToken'],
    });
    assert.deepEqual(woken, ['magic-1']);
    assert.deepEqual(apns.received[0], {
      token: 'aa01',
      topic: 'com.apple.mgmt.External.t',
      pushType: 'mdm',
      body: '{"mdm":"magic-1"}',
    });
  });
});
