import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../../src/service/organisation-settings.js';
import { applicabilityOf } from '../../src/service/policy-applicability.js';
import type { Policy, PolicyDevice } from '../../src/service/policy-model.js';

const policy: Policy = {
  id: 'p1',
  version: 1,
  kind: 'storage-restriction',
  name: 'Mac External Storage Restrictions',
  settings: { mode: 'block' },
};

const mac: PolicyDevice = {
  id: 'd1',
  platform: 'macos',
  osVersion: '14.6.1',
  enrollment: 'automated',
  supervised: true,
  agentVersion: '1.4.0',
  trayVersion: '1.2.0',
  extensionState: 'approved',
};
const iphone: PolicyDevice = {
  ...mac,
  platform: 'ios',
  osVersion: '17.5.1',
  agentVersion: null,
  trayVersion: null,
  extensionState: 'absent',
};

const CASES: [string, PolicyDevice, Record<string, string>][] = [
  ['macOS 14 with everything in place', mac, { status: 'applies' }],
  [
    'macOS 11.0, the first Endpoint Security release',
    { ...mac, osVersion: '11.0' },
    { status: 'applies' },
  ],
  [
    'macOS 10.15',
    { ...mac, osVersion: '10.15.7' },
    { status: 'not-applicable', reason: 'requires macOS 11 or later' },
  ],
  [
    'a Mac that has not reported its version',
    { ...mac, osVersion: null },
    {
      status: 'pending',
      requirement: 'os-version',
      reason: 'the device has not reported its macOS version',
    },
  ],
  [
    'a Mac without the agent',
    { ...mac, agentVersion: null },
    { status: 'pending', requirement: 'agent-version', reason: 'the Latch agent is not installed' },
  ],
  [
    'an agent below the minimum',
    { ...mac, agentVersion: '1.3.9' },
    {
      status: 'pending',
      requirement: 'agent-version',
      reason: 'the Latch agent 1.3.9 is older than the minimum 1.4.0',
    },
  ],
  [
    'a tray app below the minimum',
    { ...mac, trayVersion: '1.1' },
    {
      status: 'pending',
      requirement: 'tray-version',
      reason: 'the Latch tray app 1.1 is older than the minimum 1.2.0',
    },
  ],
  [
    'no tray app',
    { ...mac, trayVersion: null },
    {
      status: 'pending',
      requirement: 'tray-version',
      reason: 'the Latch tray app is not installed',
    },
  ],
  [
    'an extension waiting for approval',
    { ...mac, extensionState: 'pending' },
    {
      status: 'pending',
      requirement: 'extension-approved',
      reason: 'the agent’s system extension is waiting for approval',
    },
  ],
  [
    'an extension not running',
    { ...mac, extensionState: 'absent' },
    {
      status: 'pending',
      requirement: 'extension-approved',
      reason: 'the agent’s system extension is not running',
    },
  ],
  ['a supervised iPhone on iOS 17', iphone, { status: 'applies' }],
  ['a supervised iPhone on iOS 13.1', { ...iphone, osVersion: '13.1' }, { status: 'applies' }],
  [
    'a supervised iPhone on iOS 13.0',
    { ...iphone, osVersion: '13.0' },
    { status: 'not-applicable', reason: 'requires iOS 13.1 or later' },
  ],
  [
    'a user-enrolled iPhone',
    { ...iphone, enrollment: 'user', supervised: false },
    {
      status: 'not-applicable',
      reason: 'requires a supervised device; user-enrolled devices are never supervised',
    },
  ],
  [
    'an unsupervised iPad',
    { ...iphone, platform: 'ipados', enrollment: 'device', supervised: false },
    { status: 'not-applicable', reason: 'requires a supervised device' },
  ],
  [
    'a supervised iPad on iPadOS 12',
    { ...iphone, platform: 'ipados', osVersion: '12.5' },
    { status: 'not-applicable', reason: 'requires iPadOS 13.1 or later' },
  ],
  [
    'a Windows PC',
    { ...iphone, platform: 'windows', osVersion: '10.0.22631' },
    { status: 'applies' },
  ],
  [
    'a Linux machine with the agent',
    { ...mac, platform: 'linux', osVersion: '6.8', trayVersion: null, extensionState: 'absent' },
    { status: 'applies' },
  ],
  [
    'a Linux machine without the agent',
    { ...mac, platform: 'linux', agentVersion: null },
    { status: 'pending', requirement: 'agent-version', reason: 'the Latch agent is not installed' },
  ],
];

describe('storage-restriction applicability', () => {
  for (const [name, device, expected] of CASES) {
    it(`decides ${name}`, () => {
      const result = applicabilityOf(policy, device, DEFAULT_SETTINGS);

      assert.deepEqual(result, { policyId: 'p1', ...expected });
    });
  }

  it('checks against the organisation’s minimums, not fixed ones', () => {
    const settings = { ...DEFAULT_SETTINGS, minimumAgentVersion: '2.0' };

    const result = applicabilityOf(policy, mac, settings);

    assert.deepEqual(result, {
      policyId: 'p1',
      status: 'pending',
      requirement: 'agent-version',
      reason: 'the Latch agent 1.4.0 is older than the minimum 2.0',
    });
  });
});
