import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  renderCspCommand,
  storeInstallCommand,
  storeInstallStatusQueries,
  storeUninstallCommand,
} from '../../src/windows/modern-app-commands.js';
import { interpretStoreInstall } from '../../src/windows/store-install-status.js';
import { readFixture } from '../helpers/fixtures.js';

const golden = (name: string) =>
  readFileSync(new URL(`../../../test/golden/msstore/${name}`, import.meta.url), 'utf8');
const squeeze = (xml: string) =>
  xml
    .replace(/>\s+</g, '><')
    .replace(/\s*\/>/g, '/>')
    .trim();

describe('EnterpriseModernAppManagement commands', () => {
  const companyPortal = {
    storeId: '9WZDNCRFJ3PZ',
    packageFamilyName: 'Microsoft.CompanyPortal_8wekyb3d8bbwe',
  };

  it('renders StoreInstall exactly as the golden file', () => {
    const xml = renderCspCommand(storeInstallCommand(companyPortal, 'user'), '1');

    assert.equal(xml, golden('exec-storeinstall-company-portal-user.xml'));
  });

  it("matches the documentation's StoreInstall example once its placeholders are filled", () => {
    const documented = readFixture('windows-syncml', 'docs-fragment-Exec-StoreInstall.xml')
      .replace('{PackageFamilyName}', companyPortal.packageFamilyName)
      .replace('{ProductID}', companyPortal.storeId)
      .replace('skuid=" "', 'skuid="0016"');

    const xml = renderCspCommand(storeInstallCommand(companyPortal, 'user'), '1');

    assert.equal(squeeze(xml), squeeze(documented));
  });

  it('polls Status, LastError, LastErrorDesc and the AppStore node', () => {
    const queries = storeInstallStatusQueries(companyPortal.packageFamilyName, 'device');

    assert.equal(
      renderCspCommand(queries.status, '2'),
      golden('get-status-company-portal-device.xml'),
    );
    assert.deepEqual(
      [queries.lastError, queries.lastErrorDesc, queries.installed].map((q) => q.items[0].target),
      [
        './Device/Vendor/MSFT/EnterpriseModernAppManagement/AppInstallation/Microsoft.CompanyPortal_8wekyb3d8bbwe/LastError',
        './Device/Vendor/MSFT/EnterpriseModernAppManagement/AppInstallation/Microsoft.CompanyPortal_8wekyb3d8bbwe/LastErrorDesc',
        './Device/Vendor/MSFT/EnterpriseModernAppManagement/AppManagement/AppStore/Microsoft.CompanyPortal_8wekyb3d8bbwe',
      ],
    );
  });

  it('uninstalls by deleting the AppStore node', () => {
    const command = storeUninstallCommand('5319275A.WhatsAppDesktop_cv1g1gvanyjgm', 'user');

    assert.equal(renderCspCommand(command, '3'), golden('delete-appstore-whatsapp-user.xml'));
  });
});

describe('reading StoreInstall answers', () => {
  it('reads the version from the installed package full name', () => {
    const verdict = interpretStoreInstall({
      status: null,
      installedPackages: ['Microsoft.CompanyPortal_11.2.1495.0_x64__8wekyb3d8bbwe'],
    });

    assert.equal(verdict.state, 'installed');
    assert.equal(verdict.version, '11.2.1495.0');
  });

  it('keeps installing while Status is 1', () => {
    assert.equal(interpretStoreInstall({ status: 1 }).state, 'installing');
  });

  it('names the error of a failure and whether it closes the Store path', () => {
    const licence = interpretStoreInstall({ status: 2, lastError: 0x803f8001 });
    const inUse = interpretStoreInstall({ status: 2, lastError: 0x80073d02 });

    assert.deepEqual(
      [licence.state, licence.errorCode, licence.storePathClosed],
      ['failed', '0x803F8001', true],
    );
    assert.equal(inUse.storePathClosed, false);
  });
});
