import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStorage } from '../../src/main.js';
import { openBrowser, waitForRows } from '../helpers/browser.js';
import type { Browser } from '../helpers/browser.js';
import { startServerProcess } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { startFakeNugetRepository } from '../fakes/nuget-repository.js';
import type { FakeNugetRepository } from '../fakes/nuget-repository.js';

const PASSWORD = 'console chocolatey password';

describe('the console in Chromium: Chocolatey in maintenance mode', { timeout: 120_000 }, () => {
  let dataDir: string;
  let repository: FakeNugetRepository;
  let server: ServerProcess;
  let browser: Browser;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latch-e2e-'));
    repository = await startFakeNugetRepository();
    server = await startServerProcess(
      { LATCH_ADMIN_PASSWORD: PASSWORD, LATCH_CHOCOLATEY_UPSTREAM: repository.url },
      dataDir,
    );
    const storage = await openStorage({ sqlitePath: join(dataDir, 'latch.db') });
    const pc = await storage.observeDevice({
      platform: 'windows',
      serialNumber: 'WIN-CHOCO-0001',
      name: 'Lab PC',
      osVersion: '10.0.22631',
      agentVersion: '1.4.0',
    });
    const group = await storage.createGroup({ name: 'Lab' });
    await storage.addMembers(group.id, [pc.id]);
    await storage.close();
    browser = await openBrowser();
    const { page } = browser;
    await page.goto(`${server.url}/software/windows/chocolatey`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await repository?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says maintenance mode and searches the repository through Latch', async () => {
    const { page } = browser;

    const notice = await page.getByTestId('maintenance-mode').innerText();
    await page.getByLabel('Search Chocolatey').fill('nuget');
    await page.getByRole('button', { name: 'Search', exact: true }).click();

    await waitForRows(
      page.getByTestId('choco-result-rows').locator('tr'),
      [
        'Ciao | 1.1.0 | Ciao | Chris Eldredge',
        'Microsoft.VisualStudio.Services.NuGet.CredentialProvider | 0.23.0 | ' +
          'Microsoft Visual Studio Team Services Credential Provider for NuGet | Microsoft',
        'Mono.NuGet | 2.8.5-beta-1 | Mono.NuGet | Outercurve Foundation',
        'NuGet.Analyze | 2.0.0-alpha | NuGet Analyze | ' + 'Xavier Decoster,  Maarten Balliauw',
        'NuGet.exe | 3.4.3 | NuGet executable | Microsoft',
        'AddConsoleExtension | 1.0.1 | NuGet Extend | pranavkm',
        'NuGet.Extensions | 1.2.71.14 | NuGet.Extensions | Ben Phegan',
        'OctopusContrib.NewRelic | 1.1.0.0 | OctopusContrib.NewRelic | Jasper Nygaard',
        'gfoidl.NuGet.PackOnBuild | 1.13.4 | Pack on build | gfoidl',
      ],
      { columns: [0, 1, 2, 3] },
    );
    assert.match(notice, /^Chocolatey is in maintenance mode/);
    await browser.screenshot('09-chocolatey');
  });

  it('shows in words why a package cannot be added', async () => {
    const { page } = browser;

    await page.getByRole('button', { name: 'Add NuGet.exe 3.4.3' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();

    assert.equal(
      await alert.innerText(),
      'Adding the package failed: the repository has no package NuGet.exe 3.4.3 (package_not_found)',
    );
  });

  it('adds a package by ID, assigns it to a group and lists the device waiting for it', async () => {
    const { page } = browser;

    await page.getByLabel('Or add by package ID').fill('xunit');
    await page.getByRole('button', { name: 'Add package' }).click();
    await page.getByRole('heading', { name: /^xunit / }).waitFor();
    await page.getByRole('combobox', { name: /^Group/ }).selectOption({ label: 'Lab (1)' });
    await page.getByRole('button', { name: 'Assign to group' }).click();

    await waitForRows(page.getByTestId('assignment-rows').locator('tr'), [
      'Lab | group | source: chocolatey | ',
    ]);
    await waitForRows(page.getByTestId('choco-install-rows').locator('tr'), ['Lab PC | pending'], {
      columns: [0, 1],
    });
  });
});
