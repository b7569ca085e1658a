import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { SchemaTarget } from '../../src/apple/payload-schema.js';
import type { PlistDict } from '../../src/apple/plist.js';
import { parsePlistDict } from '../../src/apple/plist.js';
import { validateDeclaration, validateProfile } from '../../src/apple/profile-validator.js';
import { DEFAULT_SETTINGS } from '../../src/service/organisation-settings.js';
import { planDevicePolicies } from '../../src/service/policy-engine.js';
import type { Policy, PolicyDevice, StorageMode } from '../../src/service/policy-model.js';
import { EXAMPLES_DIR, schemaSet, targetOf } from '../helpers/apple-schemas.js';
import { readFixture } from '../helpers/fixtures.js';

const readExample = <T>(file: string) => JSON.parse(readFileSync(EXAMPLES_DIR + file, 'utf8')) as T;
const devices = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.startsWith('device-'))
  .map((f) => readExample<PolicyDevice>(f));
const policies = readdirSync(EXAMPLES_DIR)
  .filter((f) => f.startsWith('policy-'))
  .map((f) => readExample<Policy>(f));
const MODES: StorageMode[] = ['block', 'read-only', 'audit'];
const NOW = Date.parse('2026-12-04T09:00:00Z');

const mac15: SchemaTarget = {
  os: 'macOS',
  version: '15.1',
  supervised: true,
  userEnrollment: false,
};
const mac14: SchemaTarget = { ...mac15, version: '14.6.1' };
const iphone: SchemaTarget = {
  os: 'iOS',
  version: '17.5',
  supervised: true,
  userEnrollment: false,
};

/** Everything the engine emits for a device, parsed back as the device would read it. */
function emitted(device: PolicyDevice, policy: Policy) {
  const plan = planDevicePolicies({
    device,
    policies: [policy],
    settings: DEFAULT_SETTINGS,
    now: NOW,
  });
  return {
    profiles: plan.profiles.map((p) => parsePlistDict(p.bytes.toString('utf8'))),
    declarations: plan.declarations.map(
      (d) => JSON.parse(d.bytes.toString('utf8')) as Record<string, unknown>,
    ),
  };
}

function profileOf(device: PolicyDevice, index: number): PlistDict {
  return emitted(device, { ...policies[0]!, settings: { mode: 'block' } }).profiles[index]!;
}

const payloadOf = (profile: PlistDict) => (profile.PayloadContent as PlistDict[])[0]!;

describe('schema validation of everything we emit', () => {
  for (const device of devices.filter((d) => d.platform !== 'windows')) {
    for (const policy of policies) {
      for (const mode of MODES) {
        it(`${device.id} × ${policy.id} in ${mode} mode passes Apple's schemas`, () => {
          const target = targetOf(device);
          const out = emitted(device, { ...policy, settings: { ...policy.settings, mode } });

          const issues = [
            ...out.profiles.flatMap((p) => validateProfile(p, schemaSet(), target)),
            ...out.declarations.flatMap((d) => validateDeclaration(d, schemaSet(), target)),
          ];

          assert.deepEqual(issues, []);
        });
      }
    }
  }

  it('emits something to validate on each kind of device it applies to', () => {
    const counts = devices.map((d) => {
      const out = emitted(d, policies[0]!);
      return [d.id, out.profiles.length, out.declarations.length];
    });

    assert.deepEqual(
      counts.sort(),
      [
        ['iphone-byod', 0, 0],
        ['iphone-supervised', 1, 0],
        ['mac-14', 4, 0],
        ['mac-15', 4, 2],
        ['mac-1015', 0, 0],
      ].sort(),
    );
  });

  it('accepts Apple’s own diskmanagement example declaration', () => {
    const declaration = JSON.parse(readFixture('ddm', 'apple-diskmanagement.settings.json'));

    assert.deepEqual(validateDeclaration(declaration, schemaSet(), mac15), []);
  });
});

describe('schema validator rejects', () => {
  const mac = devices.find((d) => d.id === 'mac-15')!;

  it('a misspelled key', () => {
    const profile = profileOf(mac, 0);
    const payload = payloadOf(profile);
    payload.AllowedSystemExtension = payload.AllowedSystemExtensions!;
    delete payload.AllowedSystemExtensions;

    const issues = validateProfile(profile, schemaSet(), mac15);

    assert.deepEqual(issues, [
      {
        code: 'unknown_key',
        path: '/PayloadContent/0/AllowedSystemExtension',
        message: 'AllowedSystemExtension is not in the schema',
      },
    ]);
  });

  it('a value of the wrong type', () => {
    const profile = profileOf(mac, 0);
    payloadOf(profile).AllowUserOverrides = 'yes';

    const issues = validateProfile(profile, schemaSet(), mac15);

    assert.deepEqual(
      issues.map((i) => [i.code, i.path]),
      [['wrong_type', '/PayloadContent/0/AllowUserOverrides']],
    );
  });

  it('a misspelled key and a value outside the allowed list in our agent schema', () => {
    const profile = profileOf(mac, 3);
    const payload = payloadOf(profile);
    payload.HelpUrl = payload.HelpURL!;
    delete payload.HelpURL;
    payload.Mode = 'deny';

    const issues = validateProfile(profile, schemaSet(), mac15);

    assert.deepEqual(
      issues.map((i) => [i.code, i.path]),
      [
        ['not_allowed', '/PayloadContent/0/Mode'],
        ['unknown_key', '/PayloadContent/0/HelpUrl'],
        ['missing_key', '/PayloadContent/0/HelpURL'],
      ],
    );
  });

  it('a key the target macOS does not have yet', () => {
    const profile = profileOf(mac, 0);

    const issues = validateProfile(profile, schemaSet(), mac14);

    assert.deepEqual(
      issues.map((i) => [i.code, i.path]),
      [['unsupported_os', '/PayloadContent/0/NonRemovableFromUISystemExtensions']],
    );
  });

  it('the USB restriction on an unsupervised iPhone', () => {
    const supervised = devices.find((d) => d.id === 'iphone-supervised')!;
    const profile = emitted(supervised, policies[0]!).profiles[0]!;

    const issues = validateProfile(profile, schemaSet(), { ...iphone, supervised: false });

    assert.deepEqual(
      issues.map((i) => [i.code, i.path]),
      [['requires_supervision', '/PayloadContent/0/allowFilesUSBDriveAccess']],
    );
  });

  it('a declaration value outside the allowed list', () => {
    const declaration = emitted(mac, policies[0]!).declarations[0]!;
    declaration.Payload = { Restrictions: { ExternalStorage: 'Blocked' } };

    const issues = validateDeclaration(declaration, schemaSet(), mac15);

    assert.deepEqual(
      issues.map((i) => [i.code, i.path]),
      [['not_allowed', '/Payload/Restrictions/ExternalStorage']],
    );
  });
});
