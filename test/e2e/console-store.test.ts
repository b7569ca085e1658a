import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeStore } from '../../src/catalog/msstore/fake-store.js';
import type { FakeStore } from '../../src/catalog/msstore/fake-store.js';
import { openStorage } from '../../src/main.js';
import { reportWingetExit } from '../../src/service/app-deployments.js';
import type { Storage } from '../../src/storage/storage.js';
import { openBrowser, waitForRows } from '../helpers/browser.js';
import type { Browser } from '../helpers/browser.js';
import { startServerProcess } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';

const PASSWORD = 'console store password';
const AGENT_REASON =
  'a Win32 installer (exe), which the MDM Store install (StoreInstall) cannot deliver; ' +
  'installed through the Latch agent with winget';
/** Name, publisher, Store ID and kind of each result. */
const RESULT_COLUMNS = [1, 2, 3, 4, 5];

describe('the console in Chromium: Microsoft Store apps', { timeout: 120_000 }, () => {
  let dataDir: string;
  let store: FakeStore;
  let server: ServerProcess;
  let storage: Storage;
  let browser: Browser;
  let pcId: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latch-e2e-'));
    store = await startFakeStore();
    server = await startServerProcess(
      { LATCH_ADMIN_PASSWORD: PASSWORD, LATCH_STORE_URL: store.url, LATCH_STORE_ATTEMPTS: '1' },
      dataDir,
    );
    storage = await openStorage({ sqlitePath: join(dataDir, 'latch.db') });
    const pc = await storage.observeDevice({
      platform: 'windows',
      serialNumber: 'WIN-STORE-0001',
      name: 'Finance PC',
      osVersion: '10.0.22631',
      enrollmentType: 'device',
      agentVersion: '1.4.0',
    });
    pcId = pc.id;
    const group = await storage.createGroup({ name: 'Windows PCs' });
    await storage.addMembers(group.id, [pc.id]);
    browser = await openBrowser();
    const { page } = browser;
    await page.goto(`${server.url}/software`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();
  });

  after(async () => {
    await browser?.close();
    await storage?.close();
    await server?.stop();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('searches the Store from Software → Windows → "+" and shows each kind', async () => {
    const { page } = browser;
    const results = page.getByTestId('store-result-rows').locator('tr');

    await page.getByRole('button', { name: 'Add an app' }).click();
    await page.getByRole('link', { name: 'Microsoft Store app' }).click();
    await page.getByLabel('Search the Microsoft Store').fill('a');
    await page.getByRole('button', { name: 'Search', exact: true }).click();

    await waitForRows(
      results,
      [
        'Spotify - Music and Podcasts | Spotify AB | 9NCBCSZSJRSB | mdm | ',
        'WhatsApp | WhatsApp Inc. | 9NKSQGP7F2NH | mdm | ',
        'Company Portal | Microsoft Corporation | 9WZDNCRFJ3PZ | mdm | ',
        `Microsoft PowerToys | Microsoft Corporation | XP89DCGQ3K6VLD | agent | ${AGENT_REASON}`,
        `VLC media player | VideoLAN | XPDM1ZW6815MQM | agent | ${AGENT_REASON}`,
        `Adobe Acrobat Reader DC | ADOBE INC. | XPDP273C0XHQH2 | agent | ${AGENT_REASON}`,
        `PowerToys | Microsoft Corporation | RestIntegrationTest.PowerToys | agent | ${AGENT_REASON}`,
        'Starts-With, match type substring and some random data | Microsoft Corporation | ' +
          'RestIntegrationTest.VisualStudioCode | agent | a Win32 installer (unknown), which the ' +
          'MDM Store install (StoreInstall) cannot deliver; installed through the Latch agent ' +
          'with winget',
      ],
      { columns: RESULT_COLUMNS },
    );
    assert.equal(
      await page.getByTestId('store-result-count').innerText(),
      '8 results for “a” in market US.',
    );
    await browser.screenshot('07-store-search');
  });

  it('adds an MDM app and assigns it to a group; the PC waits for it over MDM', async () => {
    const { page } = browser;

    await page.getByRole('button', { name: 'Add Company Portal' }).click();
    await page.getByRole('heading', { name: 'Company Portal' }).waitFor();
    await page.getByRole('combobox', { name: /^Group/ }).selectOption({ label: 'Windows PCs (1)' });
    await page.getByRole('button', { name: 'Assign to group' }).click();

    await waitForRows(page.getByTestId('assignment-rows').locator('tr'), [
      'Windows PCs | group | context: device, intent: install | Remove',
    ]);
    await waitForRows(page.getByTestId('app-state-rows').locator('tr'), [
      'Finance PC | pending | install (device) | Windows MDM | — | ',
    ]);
  });

  it('accepts the Store terms, adds a legacy app by URL, and follows its agent install', async () => {
    const { page } = browser;
    const states = page.getByTestId('app-state-rows').locator('tr');

    await page.getByRole('link', { name: 'Software' }).click();
    await page.getByRole('button', { name: 'Accept the Microsoft Store terms' }).click();
    await page.getByText('Microsoft Store terms accepted by admin').waitFor();
    await page.getByRole('button', { name: 'Add an app' }).click();
    await page.getByRole('link', { name: 'Microsoft Store app' }).click();
    await page
      .getByLabel('Or paste a Store URL or ID')
      .fill('https://apps.microsoft.com/detail/xpdp273c0xhqh2?hl=en-US&gl=US');
    await page.getByRole('button', { name: 'Add by URL or ID' }).click();
    await page.getByRole('heading', { name: 'Adobe Acrobat Reader DC' }).waitFor();
    const appId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('combobox', { name: /^Group/ }).selectOption({ label: 'Windows PCs (1)' });
    await page.getByRole('button', { name: 'Assign to group' }).click();
    await waitForRows(states, [
      `Finance PC | pending | install (device) | Latch agent | — | ${AGENT_REASON}`,
    ]);
    await reportWingetExit(storage, { appId, deviceId: pcId, exitCode: 0, version: '24.1.20756' });
    await page.getByRole('button', { name: 'Refresh devices' }).click();

    await waitForRows(states, [
      `Finance PC | installed | install (device) | Latch agent | 24.1.20756 | ${AGENT_REASON}`,
    ]);
    await browser.screenshot('08-store-app');
    await page.getByRole('link', { name: 'Finance PC' }).click();
    await waitForRows(page.getByTestId('device-app-rows').locator('tr'), [
      'Company Portal | pending | install (device) | Windows MDM | — | ',
      `Adobe Acrobat Reader DC | installed | install (device) | Latch agent | 24.1.20756 | ${AGENT_REASON}`,
    ]);
  });

  it('says in words that the Store is unreachable instead of showing no results', async () => {
    const { page } = browser;

    store.setFault({ kind: 'status', status: 503 });
    await page.getByRole('link', { name: 'Software' }).click();
    await page.getByRole('button', { name: 'Add an app' }).click();
    await page.getByRole('link', { name: 'Microsoft Store app' }).click();
    await page.getByLabel('Search the Microsoft Store').fill('spotify');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    store.setFault({ kind: 'none' });

    assert.match(
      await alert.innerText(),
      /^Searching the Store failed: Microsoft Store unreachable: .+ \(store_unreachable\)$/,
    );
    assert.equal(await page.getByTestId('store-result-rows').count(), 0);
  });
});
