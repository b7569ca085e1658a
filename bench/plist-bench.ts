import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as plistPlistParse, serialize as plistPlistSerialize } from '@plist/plist';
import * as plist from 'plist';
import { DEFAULT_SETTINGS } from '../src/service/organisation-settings.js';
import { planDevicePolicies } from '../src/service/policy-engine.js';

const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/mobileconfig/', import.meta.url));
const ROUNDS = 300;
/** @plist/plist's PlistFormat.XML (the enum lives in a package we do not depend on directly). */
const XML_FORMAT = 1 as Parameters<typeof plistPlistSerialize>[1];

function perSecond(label: string, operations: number, work: () => void) {
  work();
  const started = process.hrtime.bigint();
  work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(58)} ${Math.round(operations / seconds).toLocaleString('en')} /s`);
}

/**
 * The two plist codecs the project may use, on the real profiles of the fixtures (parse, and
 * write back what was parsed), and the policy engine planning a macOS 15 Mac end to end.
 */
export async function plistBenchmark() {
  const texts = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.mobileconfig'))
    .map((f) => readFileSync(FIXTURES + f, 'utf8'));
  const bytes = texts.reduce((sum, t) => sum + t.length, 0);
  console.log(`${texts.length} fixture profiles, ${bytes} bytes, ${ROUNDS} rounds`);
  const operations = texts.length * ROUNDS;
  const parsedA = texts.map((t) => plist.parse(t));
  const parsedB = texts.map((t) => plistPlistParse(t));

  perSecond('plist 5 parse (profiles)', operations, () => {
    for (let i = 0; i < ROUNDS; i++) for (const t of texts) plist.parse(t);
  });
  perSecond('@plist/plist 1 parse (profiles)', operations, () => {
    for (let i = 0; i < ROUNDS; i++) for (const t of texts) plistPlistParse(t);
  });
  perSecond('plist 5 build (profiles)', operations, () => {
    for (let i = 0; i < ROUNDS; i++) for (const v of parsedA) plist.build(v, { pretty: true });
  });
  perSecond('@plist/plist 1 serialize (profiles)', operations, () => {
    for (let i = 0; i < ROUNDS; i++) for (const v of parsedB) plistPlistSerialize(v, XML_FORMAT);
  });

  const device = {
    id: 'mac-15',
    platform: 'macos' as const,
    osVersion: '15.1',
    enrollment: 'automated' as const,
    supervised: true,
    agentVersion: '1.5.0',
    trayVersion: '1.3.0',
    extensionState: 'approved' as const,
  };
  const policies = [
    {
      id: 'p',
      version: 1,
      kind: 'storage-restriction' as const,
      name: 'Mac External Storage Restrictions',
      settings: { mode: 'block' as const },
    },
  ];
  perSecond('planDevicePolicies, macOS 15 (4 profiles, 2 declarations)', 20_000, () => {
    for (let i = 0; i < 20_000; i++) {
      planDevicePolicies({ device, policies, settings: DEFAULT_SETTINGS, now: 0 });
    }
  });
}
