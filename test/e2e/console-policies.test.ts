import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openStorage } from '../../src/main.js';
import type { Storage } from '../../src/storage/storage.js';
import { openBrowser, waitForRows } from '../helpers/browser.js';
import type { Browser } from '../helpers/browser.js';
import { LATCH_CLI, startServerProcess } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';

const PASSWORD = 'console policies password';
const POLICY = 'Mac External Storage Restrictions';

/** A fleet with one device for each applicability rule, as their channels recorded them. */
async function enrolFleet(storage: Storage) {
  const mac = await storage.observeDevice({
    platform: 'macos',
    serialNumber: 'C02POLMAC014',
    name: 'Design MacBook',
    osVersion: '14.5',
    agentVersion: '1.4.0',
    trayVersion: '1.2.0',
  });
  await storage.recordExtensionState(mac.id, 'pending');
  const oldMac = await storage.observeDevice({
    platform: 'macos',
    serialNumber: 'C02POLMAC1015',
    name: 'Old iMac',
    osVersion: '10.15.7',
  });
  const iphone = await storage.observeDevice({
    platform: 'ios',
    serialNumber: 'F2LPOLIPHONE',
    name: 'Sales iPhone',
    osVersion: '17.4',
    enrollmentType: 'user',
  });
  const pc = await storage.observeDevice({
    platform: 'windows',
    serialNumber: 'WIN-POL-0001',
    name: 'Finance PC',
    osVersion: '10.0.22631',
  });
  const group = await storage.createGroup({ name: 'Whole fleet' });
  await storage.addMembers(group.id, [mac.id, oldMac.id, iphone.id, pc.id]);
  return { mac };
}

describe('the console in Chromium: the storage policy', { timeout: 120_000 }, () => {
  let dataDir: string;
  let server: ServerProcess;
  let storage: Storage;
  let browser: Browser;
  let macId: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latch-e2e-'));
    server = await startServerProcess({ LATCH_ADMIN_PASSWORD: PASSWORD }, dataDir);
    storage = await openStorage({ sqlitePath: join(dataDir, 'latch.db') });
    macId = (await enrolFleet(storage)).mac.id;
    browser = await openBrowser();
    const { page } = browser;
    await page.goto(`${server.url}/policies`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();
  });

  after(async () => {
    await browser?.close();
    await storage?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the Mac External Storage Restrictions policy from its form', async () => {
    const { page } = browser;

    await page.getByRole('link', { name: `+ ${POLICY}` }).click();
    await page.getByRole('radio', { name: /^read-only/ }).check();
    await page.getByLabel('Help page URL').fill('https://help.example.com/usb');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('heading', { name: POLICY }).waitFor();
    const effects = await page.getByTestId('platform-effects').innerText();

    assert.match(new URL(page.url()).pathname, /^\/policies\/[^/]+$/);
    assert.equal(
      await page.getByLabel('Help page URL').inputValue(),
      'https://help.example.com/usb',
    );
    assert.equal(await page.getByRole('radio', { name: /^read-only/ }).isChecked(), true);
    assert.equal(
      await page.getByLabel('Tray app status text').inputValue(),
      'External disk mounting is disabled by your administrator',
    );
    assert.match(effects, /Writing to removable disks denied through the Policy CSP/);
    assert.match(effects, /Supervised devices on iOS\/iPadOS 13\.1 or later only/);
  });

  it('assigns it to a group and shows per device whether it applies, and why', async () => {
    const { page } = browser;
    const assignments = page.getByTestId('assignment-rows').locator('tr');
    const devices = page.getByTestId('applicability-rows').locator('tr');

    await page.getByRole('combobox', { name: /^Group/ }).selectOption({ label: 'Whole fleet (4)' });
    await page.getByRole('button', { name: 'Assign to group' }).click();

    await waitForRows(assignments, ['Whole fleet | group |  | Remove']);
    await waitForRows(devices, [
      'Design MacBook | macOS | pending | the agent’s system extension is waiting for approval',
      'Old iMac | macOS | not-applicable | requires macOS 11 or later',
      'Sales iPhone | iOS | not-applicable | ' +
        'requires a supervised device; user-enrolled devices are never supervised',
      'Finance PC | Windows | applies | ',
    ]);
    await browser.screenshot('06-policy');
  });

  it('shows a device moving from pending to applies when its extension is approved', async () => {
    const { page } = browser;
    const devices = page.getByTestId('applicability-rows').locator('tr');

    await storage.recordExtensionState(macId, 'approved');
    await page.getByRole('button', { name: 'Refresh devices' }).click();

    await waitForRows(devices.filter({ hasText: 'Design MacBook' }), [
      'Design MacBook | macOS | applies | ',
    ]);
    await page.getByRole('link', { name: 'Design MacBook' }).click();
    await waitForRows(page.getByTestId('device-policy-rows').locator('tr'), [
      `${POLICY} | applies | `,
    ]);
  });

  it('saves an edit as a new version and refuses a bad help URL in words', async () => {
    const { page } = browser;

    await page.getByRole('link', { name: POLICY }).click();
    await page.getByRole('radio', { name: /^block/ }).check();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Saved as version 2.').waitFor();
    await page.getByLabel('Help page URL').fill('not a url');
    await page.getByLabel('Help page URL').evaluate((input) => input.setAttribute('type', 'text'));
    await page.getByRole('button', { name: 'Save policy' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();

    assert.match(await alert.innerText(), /^Saving the policy failed: the body is invalid/);
    assert.match(await alert.innerText(), /\/settings\/helpUrl/);
  });

  it('follows a Mac whose simulated agent reports its extension approved', async () => {
    const { page } = browser;
    const devices = page.getByTestId('applicability-rows').locator('tr');
    const simulatedMac = devices.filter({ hasText: 'Simulated macos 0' });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    // A separate process speaking the agent protocol, as a real agent does: it enrols, reports
    // its state and pulls its settings. A second run on the same folder is the same Mac later.
    const simulate = async (extensionState: string) => {
      const { stdout } = await promisify(execFile)(process.execPath, [
        LATCH_CLI,
        'simulate',
        'agent',
        '--server',
        server.url,
        '--token',
        token,
        '--devices',
        '1',
        '--checkins',
        '1',
        '--events',
        '0',
        '--extension-state',
        extensionState,
        '--data',
        join(dataDir, 'simulated-agents'),
      ]);
      return JSON.parse(stdout.trim().split('\n').at(-1)!) as { enrolled: number };
    };

    const first = await simulate('pending');
    const listed = await fetch(`${server.url}/api/v1/devices?q=Simulated%20macos`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const [simulated] = ((await listed.json()) as { items: { id: string }[] }).items;
    const group = (await storage.listGroups()).find((g) => g.name === 'Whole fleet')!;
    await fetch(`${server.url}/api/v1/groups/${group.id}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ deviceIds: [simulated!.id] }),
    });
    await page.getByRole('button', { name: 'Refresh devices' }).click();
    await waitForRows(simulatedMac, [
      'Simulated macos 0 | macOS | pending | the agent’s system extension is waiting for approval',
    ]);
    await simulate('approved');
    await page.getByRole('button', { name: 'Refresh devices' }).click();

    assert.equal(first.enrolled, 1);
    await waitForRows(simulatedMac, ['Simulated macos 0 | macOS | applies | ']);
  });
});
