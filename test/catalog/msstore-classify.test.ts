import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { classifyManifest } from '../../src/catalog/msstore/classify.js';
import { FAKE_STORE_CATALOG } from '../../src/catalog/msstore/fake-store.js';
import { parseStoreReference } from '../../src/catalog/msstore/store-reference.js';
import {
  interpretWingetExit,
  parseWingetListVersion,
  wingetInstallCommand,
} from '../../src/catalog/msstore/winget-command.js';
import { parseStoreJson } from '../../src/catalog/msstore/winget-rest-client.js';
import type { PackageManifest } from '../../src/catalog/msstore/winget-rest-types.js';
import { readFixture } from '../helpers/fixtures.js';

function catalogManifest(id: string): PackageManifest {
  const text = readFileSync(`${FAKE_STORE_CATALOG}packageManifests/${id}.json`, 'utf8');
  return (parseStoreJson(text) as { Data: PackageManifest }).Data;
}

describe('classifying Store manifests', () => {
  const table = [
    ['9WZDNCRFJ3PZ', 'US', 'mdm', 'modern', 'Microsoft.CompanyPortal_8wekyb3d8bbwe'],
    ['9NKSQGP7F2NH', 'US', 'mdm', 'modern', '5319275A.WhatsAppDesktop_cv1g1gvanyjgm'],
    ['9NKSQGP7F2NH', 'CN', 'unavailable', 'unknown', null],
    ['9NCBCSZSJRSB', 'DE', 'mdm', 'modern', 'SpotifyAB.SpotifyMusic_zpdnekdrzrea0'],
    ['XPDP273C0XHQH2', 'US', 'agent', 'legacy', null],
    ['XPDM1ZW6815MQM', 'US', 'agent', 'legacy', null],
    ['XP89DCGQ3K6VLD', 'FR', 'agent', 'legacy', null],
  ] as const;
  for (const [id, market, kind, appType, pfn] of table) {
    it(`${id} in ${market} is ${kind}`, () => {
      const verdict = classifyManifest(id, catalogManifest(id), market);

      assert.equal(verdict.kind, kind);
      assert.equal(verdict.appType, appType);
      assert.equal(verdict.packageFamilyName, pfn);
    });
  }

  it('says why an app is unavailable in the market', () => {
    const verdict = classifyManifest('9NKSQGP7F2NH', catalogManifest('9NKSQGP7F2NH'), 'CN');

    assert.equal(verdict.reason, "not offered in the organisation's market (CN)");
  });

  it('sends a Win32 REST-source package (recorded PowerToys manifest) to the agent', () => {
    const manifest = parseStoreJson(
      readFixture('msstore', 'restsource-powertoys.packageManifest.json'),
    ) as PackageManifest;

    const verdict = classifyManifest(manifest.PackageIdentifier, manifest, 'US');

    assert.equal(verdict.kind, 'agent');
    assert.match(verdict.reason ?? '', /^a Win32 installer \(exe\)/);
  });

  it('never offers an MDM install for a 12-character ID whose installer is not msstore', () => {
    const manifest = catalogManifest('XPDM1ZW6815MQM');

    assert.equal(classifyManifest('9AAAAAAAAAAA', manifest, 'US').kind, 'agent');
  });

  it('calls a product without a manifest unavailable', () => {
    assert.deepEqual(classifyManifest('9ZZZZZZZZZZZ', undefined, 'US'), {
      kind: 'unavailable',
      appType: 'unknown',
      packageFamilyName: null,
      reason: '9ZZZZZZZZZZZ is not in the Microsoft Store catalog',
    });
  });
});

describe('reading Store IDs and URLs', () => {
  const table: [string, string | undefined][] = [
    ['9WZDNCRFJ3PZ', '9WZDNCRFJ3PZ'],
    [' 9wzdncrfj3pz ', '9WZDNCRFJ3PZ'],
    ['XPDP273C0XHQH2', 'XPDP273C0XHQH2'],
    ['https://apps.microsoft.com/detail/9wzdncrfj3pz?hl=en-us&gl=US', '9WZDNCRFJ3PZ'],
    ['https://apps.microsoft.com/store/detail/company-portal/9WZDNCRFJ3PZ', '9WZDNCRFJ3PZ'],
    ['https://www.microsoft.com/store/productId/9NKSQGP7F2NH', '9NKSQGP7F2NH'],
    ['https://www.microsoft.com/en-us/p/vlc/xpdm1zw6815mqm', 'XPDM1ZW6815MQM'],
    ['ms-windows-store://pdp/?ProductId=9NCBCSZSJRSB', '9NCBCSZSJRSB'],
    ['https://example.com/detail/notanid', undefined],
    ['WhatsApp', undefined],
    ['9WZDNCRFJ3P', undefined],
  ];
  for (const [input, expected] of table) {
    it(`reads ${JSON.stringify(input)}`, () => {
      assert.equal(parseStoreReference(input), expected);
    });
  }
});

describe('the agent command for legacy apps', () => {
  it('is exactly the documented winget install in device context', () => {
    const line = wingetInstallCommand('XPDP273C0XHQH2', 'device');

    assert.deepEqual(line, {
      command: 'winget',
      args: [
        'install',
        '--id',
        'XPDP273C0XHQH2',
        '--source',
        'msstore',
        '--exact',
        '--silent',
        '--accept-package-agreements',
        '--accept-source-agreements',
        '--scope',
        'machine',
      ],
      runAs: 'system',
    });
  });

  it('runs in the user session with --scope user in user context', () => {
    const line = wingetInstallCommand('XPDM1ZW6815MQM', 'user');

    assert.deepEqual(line.args.slice(-2), ['--scope', 'user']);
    assert.equal(line.runAs, 'user');
  });

  const exits: [number, string, string | null][] = [
    [0, 'installed', null],
    [-1978335189, 'installed', '0x8A15002B'],
    [0x8a150109, 'installed', '0x8A150109'],
    [-1978335167, 'failed', '0x8A150041'],
    [-1978335212, 'failed', '0x8A150014'],
    [0x8a150113, 'not-applicable', '0x8A150113'],
    [1603, 'failed', '0x00000643'],
  ];
  for (const [exit, state, code] of exits) {
    it(`maps winget exit ${exit} to ${state}`, () => {
      const outcome = interpretWingetExit(exit);

      assert.equal(outcome.state, state);
      assert.equal(outcome.code, code);
    });
  }
});

describe('reading the installed version from winget list', () => {
  const output =
    '   - \r   \\ \r' +
    'Name                          Id             Version      Source\r\n' +
    '------------------------------------------------------------------\r\n' +
    'Adobe Acrobat Reader (64-bit) XPDP273C0XHQH2 24.004.20272 msstore\r\n';

  it('takes the column after the ID', () => {
    assert.equal(parseWingetListVersion(output, 'XPDP273C0XHQH2'), '24.004.20272');
  });

  it('answers null for a package that is not listed or has no version', () => {
    assert.equal(parseWingetListVersion(output, 'XPDM1ZW6815MQM'), null);
    assert.equal(
      parseWingetListVersion('VLC XPDM1ZW6815MQM Unknown msstore', 'XPDM1ZW6815MQM'),
      null,
    );
  });
});
