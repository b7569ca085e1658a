import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlistDict } from '../../src/apple/plist.js';
import { DEFAULT_SETTINGS } from '../../src/service/organisation-settings.js';
import {
  DEFAULT_NOTIFICATION_TEXT,
  DEFAULT_STATUS_TEXT,
  planDevicePolicies,
} from '../../src/service/policy-engine.js';
import type { Policy, PolicyDevice, StorageMode } from '../../src/service/policy-model.js';

const NOW = Date.parse('2026-12-04T09:00:00Z');

const storagePolicy = (id: string, mode: StorageMode, extra: Partial<Policy> = {}): Policy => ({
  id,
  version: 1,
  kind: 'storage-restriction',
  name: `Policy ${id}`,
  settings: { mode },
  ...extra,
});

const mac14: PolicyDevice = {
  id: 'mac-14',
  platform: 'macos',
  osVersion: '14.6.1',
  enrollment: 'automated',
  supervised: true,
  agentVersion: '1.4.2',
  trayVersion: '1.2.0',
  extensionState: 'approved',
};
const mac15: PolicyDevice = { ...mac14, id: 'mac-15', osVersion: '15.1' };

const plan = (device: PolicyDevice, policies: Policy[], now = NOW) =>
  planDevicePolicies({ device, policies, settings: DEFAULT_SETTINGS, now });

describe('policy engine: conflicts', () => {
  const CASES: [StorageMode[], string][] = [
    [['block', 'read-only'], 'p0'],
    [['read-only', 'block'], 'p1'],
    [['audit', 'read-only'], 'p1'],
    [['audit', 'block', 'read-only'], 'p1'],
    [['read-only', 'audit'], 'p0'],
    [['audit', 'audit'], 'p0'],
  ];
  for (const [modes, winner] of CASES) {
    it(`${modes.join(' + ')} → ${winner} wins`, () => {
      const policies = modes.map((mode, i) => storagePolicy(`p${i}`, mode));

      const result = plan(mac14, policies);

      assert.equal(result.restriction?.policyId, winner);
      assert.equal(result.restriction?.mode, modes[Number(winner.slice(1))]);
      assert.deepEqual(
        result.applicability,
        policies.map((p) =>
          p.id === winner
            ? { policyId: p.id, status: 'applies' }
            : { policyId: p.id, status: 'applies', overriddenBy: winner },
        ),
      );
    });
  }

  it('lets a policy that does not apply lose to nothing', () => {
    const result = plan({ ...mac14, osVersion: '10.15.7' }, [storagePolicy('p0', 'block')]);

    assert.equal(result.restriction, null);
    assert.deepEqual(result.profiles, []);
    assert.deepEqual(result.declarations, []);
    assert.equal(result.agentSettings, null);
  });
});

describe('policy engine: what a device must hold', () => {
  it('gives a macOS 14 Mac the three enrolment profiles and the restriction', () => {
    const result = plan(mac14, [storagePolicy('block-1', 'block')]);

    assert.deepEqual(
      result.profiles.map((p) => [p.identifier, p.policyId]),
      [
        ['dev.latch.enrolment.system-extension', null],
        ['dev.latch.enrolment.privacy', null],
        ['dev.latch.enrolment.notifications', null],
        ['dev.latch.policy.block-1', 'block-1'],
      ],
    );
    assert.deepEqual(result.declarations, []);
    assert.deepEqual(result.agentSettings, {
      policyId: 'block-1',
      policyVersion: 1,
      mode: 'block',
      helpUrl: DEFAULT_SETTINGS.helpUrl,
      statusText: DEFAULT_STATUS_TEXT,
      notificationText: DEFAULT_NOTIFICATION_TEXT,
      exceptionUntil: null,
    });
  });

  it('writes the restriction as the agent’s managed preferences', () => {
    const policy = storagePolicy('block-1', 'block', {
      settings: { mode: 'read-only', helpUrl: 'https://it.example.org/usb', statusText: 'No USB' },
    });

    const profile = plan(mac14, [policy]).profiles[3]!;
    const parsed = parsePlistDict(profile.bytes.toString('utf8'));
    const payload = (parsed.PayloadContent as Record<string, unknown>[])[0]!;

    assert.equal(parsed.PayloadIdentifier, 'dev.latch.policy.block-1');
    assert.equal(parsed.PayloadType, 'Configuration');
    assert.equal(parsed.PayloadScope, 'System');
    assert.deepEqual(
      {
        Mode: payload.Mode,
        HelpURL: payload.HelpURL,
        StatusText: payload.StatusText,
        NotificationText: payload.NotificationText,
        PayloadType: payload.PayloadType,
        PolicyVersion: payload.PolicyVersion,
      },
      {
        Mode: 'read-only',
        HelpURL: 'https://it.example.org/usb',
        StatusText: 'No USB',
        NotificationText: DEFAULT_NOTIFICATION_TEXT,
        PayloadType: 'dev.latch.agent',
        PolicyVersion: 1,
      },
    );
  });

  const DECLARED: [StorageMode, string | null][] = [
    ['block', 'Disallowed'],
    ['read-only', 'ReadOnly'],
    ['audit', null],
  ];
  for (const [mode, externalStorage] of DECLARED) {
    it(`declares ExternalStorage ${String(externalStorage)} on macOS 15 in ${mode} mode`, () => {
      const result = plan(mac15, [storagePolicy('p', mode)]);

      const configuration = result.declarations.find(
        (d) => d.type === 'com.apple.configuration.diskmanagement.settings',
      );
      const activation = result.declarations.find((d) => d.type === 'com.apple.activation.simple');

      assert.equal(result.profiles.length, 4);
      assert.deepEqual(
        configuration?.payload,
        externalStorage === null
          ? undefined
          : { Restrictions: { ExternalStorage: externalStorage } },
      );
      assert.deepEqual(
        activation?.payload,
        configuration ? { StandardConfigurations: [configuration.identifier] } : undefined,
      );
    });
  }

  it('keeps the extension from removal in the UI on macOS 15 only', () => {
    const on14 = plan(mac14, [storagePolicy('p', 'block')]).profiles[0]!.bytes.toString();
    const on15 = plan(mac15, [storagePolicy('p', 'block')]).profiles[0]!.bytes.toString();

    assert.equal(on14.includes('NonRemovableFromUISystemExtensions'), false);
    assert.equal(on15.includes('NonRemovableFromUISystemExtensions'), true);
  });

  it('gives a Mac whose requirements are pending only the enrolment profiles', () => {
    const result = plan({ ...mac15, extensionState: 'pending' }, [storagePolicy('p', 'block')]);

    assert.deepEqual(
      result.profiles.map((p) => p.policyId),
      [null, null, null],
    );
    assert.deepEqual(result.declarations, []);
    assert.equal(result.restriction, null);
  });

  it('gives a supervised iPhone the Files USB restriction and nothing in audit mode', () => {
    const iphone: PolicyDevice = { ...mac14, platform: 'ios', osVersion: '17.5.1' };

    const blocked = plan(iphone, [storagePolicy('ios', 'block')]);
    const audited = plan(iphone, [storagePolicy('ios', 'audit')]);
    const payload = (
      parsePlistDict(blocked.profiles[0]!.bytes.toString()).PayloadContent as Record<
        string,
        unknown
      >[]
    )[0]!;

    assert.deepEqual(
      blocked.profiles.map((p) => p.identifier),
      ['dev.latch.policy.ios'],
    );
    assert.equal(payload.PayloadType, 'com.apple.applicationaccess');
    assert.equal(payload.allowFilesUSBDriveAccess, false);
    assert.equal(blocked.agentSettings, null);
    assert.deepEqual(audited.profiles, []);
  });

  it('gives Windows the restriction to compile and no Apple profiles', () => {
    const pc: PolicyDevice = { ...mac14, platform: 'windows', osVersion: '10.0.22631' };

    const result = plan(pc, [storagePolicy('w', 'read-only')]);

    assert.equal(result.restriction?.mode, 'read-only');
    assert.deepEqual(result.profiles, []);
    assert.equal(result.agentSettings, null);
  });
});

describe('policy engine: device exceptions', () => {
  const withException = (until: string) =>
    storagePolicy('p', 'block', {
      settings: {
        mode: 'block',
        exceptions: [
          { deviceId: 'other-mac', until: '2027-01-01T00:00:00Z' },
          { deviceId: 'mac-15', until },
        ],
      },
    });

  it('lets the agent allow mounts until a running exception ends, without the OS layer', () => {
    const result = plan(mac15, [withException('2026-12-05T09:00:00Z')]);

    assert.equal(result.agentSettings?.exceptionUntil, '2026-12-05T09:00:00.000Z');
    assert.equal(result.nextChangeAt, Date.parse('2026-12-05T09:00:00Z'));
    assert.deepEqual(result.declarations, []);
    assert.equal(
      result.profiles[3]!.bytes.toString().includes('<date>2026-12-05T09:00:00Z</date>'),
      true,
    );
  });

  it('ignores an exception that has ended', () => {
    const result = plan(mac15, [withException('2026-12-04T08:59:59Z')]);

    assert.equal(result.agentSettings?.exceptionUntil, null);
    assert.equal(result.nextChangeAt, null);
    assert.equal(result.declarations.length, 2);
  });
});

describe('policy engine: stable identity', () => {
  it('renders an unchanged policy to identical bytes', () => {
    const first = plan(mac15, [storagePolicy('p', 'block')]);
    const second = plan(mac15, [storagePolicy('p', 'block')]);

    assert.deepEqual(
      first.profiles.map((p) => p.bytes.toString('hex')),
      second.profiles.map((p) => p.bytes.toString('hex')),
    );
    assert.deepEqual(
      first.declarations.map((d) => d.bytes.toString('hex')),
      second.declarations.map((d) => d.bytes.toString('hex')),
    );
  });

  it('keeps the identifier and changes the UUID and ServerToken when the policy is edited', () => {
    const v1 = plan(mac15, [storagePolicy('p', 'block')]);
    const v2 = plan(mac15, [storagePolicy('p', 'read-only', { version: 2 })]);

    assert.equal(v2.profiles[3]!.identifier, v1.profiles[3]!.identifier);
    assert.notEqual(v2.profiles[3]!.uuid, v1.profiles[3]!.uuid);
    assert.match(v2.profiles[3]!.uuid, /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-/);
    assert.equal(v2.declarations[0]!.identifier, v1.declarations[0]!.identifier);
    assert.notEqual(v2.declarations[0]!.serverToken, v1.declarations[0]!.serverToken);
    assert.deepEqual(
      v2.profiles.slice(0, 3).map((p) => p.uuid),
      v1.profiles.slice(0, 3).map((p) => p.uuid),
    );
  });
});
