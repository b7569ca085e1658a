import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaTarget } from '../../src/apple/payload-schema.js';
import type { PlistDict } from '../../src/apple/plist.js';
import { parsePlistDict } from '../../src/apple/plist.js';
import { validateProfile } from '../../src/apple/profile-validator.js';
import {
  developerIdRequirement,
  iosUsbRestrictionProfile,
  notificationsProfile,
  privacyProfile,
  systemExtensionProfile,
} from '../../src/apple/storage-profiles.js';
import { storageDeclarations } from '../../src/apple/storage-declarations.js';
import { DEFAULT_SETTINGS } from '../../src/service/organisation-settings.js';
import { schemaSet } from '../helpers/apple-schemas.js';
import { readFixture } from '../helpers/fixtures.js';

const fixturePayload = (file: string, index = 0) =>
  (parsePlistDict(readFixture('mobileconfig', file)).PayloadContent as PlistDict[])[index]!;
const ourPayload = (bytes: Buffer) =>
  (parsePlistDict(bytes.toString('utf8')).PayloadContent as PlistDict[])[0]!;

describe('our payloads beside real ones', () => {
  it('allows the extension the way Santa’s profile does', () => {
    const santa = fixturePayload('santa-system-extension.mobileconfig');
    const ours = ourPayload(systemExtensionProfile(DEFAULT_SETTINGS, { macOS15: true }).bytes);

    assert.deepEqual(santa.AllowedSystemExtensionTypes, {
      ZMCG7MLDV9: ['EndpointSecurityExtension', 'NetworkExtension'],
    });
    assert.deepEqual(ours.AllowedSystemExtensionTypes, {
      LATCH00000: ['EndpointSecurityExtension'],
    });
    assert.deepEqual(ours.AllowedSystemExtensions, {
      LATCH00000: ['dev.latch.agent.security-extension'],
    });
    assert.equal(ours.PayloadType, santa.PayloadType);
  });

  it('writes the code requirement exactly as Defender’s Full Disk Access profile does', () => {
    const defender = fixturePayload('mdatp-fulldisk.mobileconfig');
    const entries = (defender.Services as PlistDict).SystemPolicyAllFiles as PlistDict[];
    const extension = entries.find((e) => e.Identifier === 'com.microsoft.wdav.epsext')!;
    const ours = (
      (ourPayload(privacyProfile(DEFAULT_SETTINGS).bytes).Services as PlistDict)
        .SystemPolicyAllFiles as PlistDict[]
    )[0]!;

    assert.equal(
      developerIdRequirement('com.microsoft.wdav.epsext', 'UBF8T346G9'),
      extension.CodeRequirement,
    );
    assert.equal(ours.IdentifierType, extension.IdentifierType);
    assert.equal(ours.Authorization, 'Allow');
  });

  it('turns notifications on with the keys Santa’s profile uses', () => {
    const santa = (
      fixturePayload('santa-notifications.mobileconfig').NotificationSettings as PlistDict[]
    )[0]!;
    const ours = (ourPayload(notificationsProfile().bytes).NotificationSettings as PlistDict[])[0]!;

    assert.deepEqual(Object.keys(ours).sort(), Object.keys(santa).sort());
    assert.equal(ours.NotificationsEnabled, true);
    assert.equal(ours.BundleIdentifier, 'dev.latch.tray');
  });

  it('restricts USB drives in Files with the key Zentral’s iOS profile uses', () => {
    const zentral = fixturePayload('zentral-ios-restrictions.mobileconfig');
    const ours = ourPayload(iosUsbRestrictionProfile({ id: 'p', version: 1, name: 'USB' }).bytes);

    assert.equal(zentral.allowFilesUSBDriveAccess, false);
    assert.deepEqual(
      [ours.PayloadType, ours.allowFilesUSBDriveAccess],
      [zentral.PayloadType, false],
    );
  });

  it('declares disk management as Apple’s own example does', () => {
    const apple = JSON.parse(readFixture('ddm', 'apple-diskmanagement.settings.json'));
    const [ours] = storageDeclarations({ id: 'p', version: 1, mode: 'block' });

    assert.equal(ours!.type, apple.Type);
    assert.deepEqual(ours!.payload, {
      Restrictions: { ExternalStorage: apple.Payload.Restrictions.ExternalStorage },
    });
  });
});

describe('schema validator on real third-party profiles', () => {
  const mac: SchemaTarget = {
    os: 'macOS',
    version: '15.1',
    supervised: true,
    userEnrollment: false,
  };
  const iphone: SchemaTarget = { ...mac, os: 'iOS', version: '17.0' };
  // What Apple's schema says of profiles found in the wild: PayloadEnabled is not a schema key,
  // Defender writes TCC booleans as integers, Zentral keeps a key Apple's schema no longer has.
  const VERDICTS: [string, SchemaTarget, number, [string, string][]][] = [
    ['rtrouton-BlockExternalDrives.mobileconfig', mac, 0, []],
    ['rtrouton-RequireAuthenticationforExternalDrives.mobileconfig', mac, 0, []],
    ['santa-notifications.mobileconfig', mac, 1, [['unknown_key', '/PayloadEnabled']]],
    [
      'santa-system-extension.mobileconfig',
      mac,
      2,
      [
        ['unknown_key', '/PayloadEnabled'],
        ['unknown_key', '/PayloadContent/0/PayloadEnabled'],
      ],
    ],
    [
      'mdatp-fulldisk.mobileconfig',
      mac,
      8,
      [
        ['unknown_key', '/PayloadEnabled'],
        ['unknown_key', '/PayloadContent/0/PayloadEnabled'],
        ['wrong_type', '/PayloadContent/0/Services/SystemPolicyAllFiles/0/StaticCode'],
      ],
    ],
    [
      'zentral-ios-restrictions.mobileconfig',
      iphone,
      1,
      [['unknown_key', '/PayloadContent/0/allowSiriServerLogging']],
    ],
  ];
  for (const [file, target, count, first] of VERDICTS) {
    it(`finds ${count} issue(s) in ${file}`, () => {
      const issues = validateProfile(
        parsePlistDict(readFixture('mobileconfig', file)),
        schemaSet(),
        target,
      );

      assert.equal(issues.length, count);
      assert.deepEqual(
        issues.slice(0, first.length).map((i) => [i.code, i.path]),
        first,
      );
    });
  }
});
