import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { decideMount } from '../../src/agent/decide-mount.js';
import { readDiskutilInfoPlist } from '../../src/agent/diskutil-info.js';
import { isReportable, mountReport } from '../../src/agent/mount-report.js';
import type { MountReport } from '../../src/agent/mount-report.js';
import { openStorage } from '../../src/main.js';
import type { Storage } from '../../src/storage/storage.js';
import { openBrowser, waitForRows } from '../helpers/browser.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import type { Browser } from '../helpers/browser.js';
import { startServerProcess } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';

const PASSWORD = 'console e2e password';
const DESIGN_MACBOOK =
  'Design MacBook | macOS | 14.5 | MacBookPro18,3 | C02E2EMAC001 | 1.4.0 | 1.2.0 | 5 min ago';
const FINANCE_PC =
  'Finance PC | Windows | 10.0.22631 | ThinkPad T14 | WIN-E2E-0002 | 1.4.0 | — | 2 h ago';
const SALES_IPHONE = 'Sales iPhone | iOS | 17.4 | iPhone15,2 | F2LE2EIPHONE3 | — | — | never';
const ALL_DEVICES = [DESIGN_MACBOOK, FINANCE_PC, SALES_IPHONE];

/** Devices as their enrolments would record them, written through the real storage. */
async function enrolDevices(storage: Storage) {
  const now = Date.now();
  const mac = await storage.observeDevice({
    platform: 'macos',
    serialNumber: 'C02E2EMAC001',
    name: 'Design MacBook',
    model: 'MacBookPro18,3',
    osVersion: '14.5',
    agentVersion: '1.4.0',
    trayVersion: '1.2.0',
    supervised: true,
    enrollmentType: 'automated',
    lastSeenAt: now - 5 * 60_000,
  });
  await storage.observeDevice({
    platform: 'windows',
    serialNumber: 'WIN-E2E-0002',
    name: 'Finance PC',
    model: 'ThinkPad T14',
    osVersion: '10.0.22631',
    agentVersion: '1.4.0',
    lastSeenAt: now - 2 * 3_600_000,
  });
  await storage.observeDevice({
    platform: 'ios',
    serialNumber: 'F2LE2EIPHONE3',
    name: 'Sales iPhone',
    model: 'iPhone15,2',
    osVersion: '17.4',
    supervised: false,
    enrollmentType: 'user',
  });
  return mac;
}

/**
 * The mount of a real USB stick (recorded `diskutil info -plist`), decided by the agent's own
 * decision function under a block policy and reported as the agent reports it.
 */
async function refuseUsbStick(storage: Storage, deviceId: string) {
  const text = readFileSync(
    join(FIXTURES_DIR, 'disks/usb-thumb-drive_sandisk-cruzer-fit_info.plist'),
    'utf8',
  );
  const occurredAt = Date.now() - 60_000;
  const decision = decideMount(
    { volume: readDiskutilInfoPlist(text) },
    {
      policyId: 'e2e-block',
      policyVersion: 1,
      mode: 'block',
      helpUrl: 'https://help.example.com/usb',
      statusText: 'External disk mounting is disabled by your administrator',
      notificationText: 'External device not recognised.',
      exceptionUntil: null,
    },
    undefined,
    occurredAt,
  );
  assert.ok(isReportable(decision));
  const report = mountReport(readDiskutilInfoPlist(text), decision, {
    eventId: 'e2e-mount-1',
    occurredAt,
    user: 'alice',
  });
  await storage.recordMountEvents(deviceId, [report], Date.now());
  return report;
}

/** Three commands in the Mac's queue: one answered, one sent and one waiting. */
async function queueCommands(storage: Storage, deviceId: string) {
  const now = Date.now();
  const command = (id: string, requestType: string) => ({
    id,
    channel: 'apple' as const,
    deviceId,
    requestType,
    payload: '<plist/>',
    origin: 'e2e',
  });
  await storage.enqueueCommands(
    [
      command('7d7c3a1e-0001', 'DeviceInformation'),
      command('7d7c3a1e-0002', 'ProfileList'),
      command('7d7c3a1e-0003', 'InstallProfile'),
    ],
    now,
  );
  const claim = { channel: 'apple' as const, deviceId, owner: 'e2e', leaseMs: 600_000 };
  await storage.claimNextCommand({ ...claim, now, maxAttempts: 3 });
  await storage.recordCommandAnswer({
    channel: 'apple',
    deviceId,
    commandId: '7d7c3a1e-0001',
    status: 'acknowledged',
    now: now + 1,
  });
  await storage.claimNextCommand({ ...claim, now: now + 2, maxAttempts: 3 });
}

describe('the console in Chromium: sign-in, devices, groups', { timeout: 120_000 }, () => {
  let dataDir: string;
  let server: ServerProcess;
  let browser: Browser;
  let refused: MountReport;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'latch-e2e-'));
    server = await startServerProcess({ LATCH_ADMIN_PASSWORD: PASSWORD }, dataDir);
    const storage = await openStorage({ sqlitePath: join(dataDir, 'latch.db') });
    const mac = await enrolDevices(storage);
    await queueCommands(storage, mac.id);
    refused = await refuseUsbStick(storage, mac.id);
    await storage.close();
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a signed-out visitor to sign-in and shows a wrong password in words', async () => {
    const { page } = browser;

    await page.goto(`${server.url}/devices`);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();

    assert.equal(new URL(page.url()).pathname, '/login');
    assert.match(await alert.innerText(), /wrong username or password \(invalid_credentials\)/);
    await browser.screenshot('01-login');
  });

  it('signs in, shows who is signed in, and lists every device with its versions', async () => {
    const { page } = browser;
    const rows = page.getByTestId('device-rows').locator('tr');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-user').waitFor();
    await waitForRows(rows, ALL_DEVICES);

    assert.equal(new URL(page.url()).pathname, '/devices');
    assert.equal(await page.getByTestId('signed-in-user').innerText(), 'Signed in as admin');
    await browser.screenshot('02-devices');
  });

  it('filters devices by platform and by search, keeping the filter in the address', async () => {
    const { page } = browser;
    const rows = page.getByTestId('device-rows').locator('tr');

    await page.getByLabel('Platform').selectOption('windows');
    await waitForRows(rows, [FINANCE_PC]);
    const filteredUrl = new URL(page.url());
    await page.getByLabel('Platform').selectOption('');
    await waitForRows(rows, ALL_DEVICES);
    await page.getByLabel('Search').fill('iphone');
    await page.getByLabel('Search').press('Enter');
    await waitForRows(rows, [SALES_IPHONE]);

    assert.equal(filteredUrl.searchParams.get('platform'), 'windows');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'iphone');
  });

  it('opens a device page with its inventory and command queue, and cancels a command', async () => {
    const { page } = browser;

    await page.goto(`${server.url}/devices?q=MacBook`);
    await page.getByRole('link', { name: 'Design MacBook' }).click();
    const inventory = page.getByTestId('inventory');
    await inventory.waitFor();
    const text = await inventory.innerText();

    assert.match(new URL(page.url()).pathname, /^\/devices\/[^/]+$/);
    assert.match(text, /OS version\s+14\.5/);
    assert.match(text, /Serial number\s+C02E2EMAC001/);
    assert.match(text, /Enrolment\s+automated, supervised/);
    assert.match(text, /Tray app\s+1\.2\.0/);
    const commands = page.getByTestId('command-rows').locator('tr');
    const columns = [0, 1, 2, 3, 7];
    await waitForRows(
      commands,
      [
        'DeviceInformation | Apple MDM | acknowledged | 1 | ',
        'ProfileList | Apple MDM | sent | 1 | Cancel',
        'InstallProfile | Apple MDM | pending | 0 | Cancel',
      ],
      { columns },
    );
    await waitForRows(
      page.getByTestId('mount-event-rows').locator('tr'),
      [
        [
          'alice',
          `${refused.volumeName} (${refused.disk})`,
          'USB',
          refused.mediaKind ?? '—',
          'external',
          'deny',
          refused.rule,
        ].join(' | '),
      ],
      { columns: [1, 2, 3, 4, 6, 7, 8] },
    );
    await browser.screenshot('03-device');
    await page.getByRole('button', { name: 'Cancel InstallProfile' }).click();
    await waitForRows(
      commands,
      [
        'DeviceInformation | Apple MDM | acknowledged | 1 | ',
        'ProfileList | Apple MDM | sent | 1 | Cancel',
        'InstallProfile | Apple MDM | cancelled | 0 | ',
      ],
      { columns },
    );
    assert.equal(
      await commands.filter({ hasText: 'InstallProfile' }).locator('td').nth(6).innerText(),
      'cancelled by admin',
    );
  });

  it('creates a group, adds a device to it, and shows a duplicate name refused in words', async () => {
    const { page } = browser;
    const members = page.getByTestId('member-rows').locator('tr');

    await page.getByRole('link', { name: 'Groups', exact: true }).click();
    await page.getByLabel('Name').fill('Design Macs');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { name: 'Group: Design Macs' }).waitFor();
    await page.getByLabel('Find devices').fill('MacBook');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('checkbox', { name: /Design MacBook/ }).check();
    await page.getByRole('button', { name: 'Add 1 device' }).click();
    await waitForRows(members, ['Design MacBook | macOS | 14.5 | C02E2EMAC001 | Remove']);
    await browser.screenshot('04-group');
    await page.getByRole('link', { name: 'Groups', exact: true }).click();
    await page.getByRole('link', { name: 'Design Macs' }).waitFor();
    await page.getByLabel('Name').fill('Design Macs');
    await page.getByRole('button', { name: 'Create group' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();

    assert.equal(
      await alert.innerText(),
      'Creating the group failed: a group named Design Macs already exists (conflict)',
    );
    await browser.screenshot('05-groups');
  });
});
