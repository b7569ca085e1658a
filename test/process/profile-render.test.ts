import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EXAMPLES_DIR } from '../helpers/apple-schemas.js';
import { loadWithPlistlib } from '../helpers/plistlib.js';
import { LATCH_CLI } from '../helpers/server-process.js';

const AT = '2026-12-04T09:00:00Z';
const ENROLMENT_FILES = [
  'dev.latch.enrolment.system-extension.mobileconfig',
  'dev.latch.enrolment.privacy.mobileconfig',
  'dev.latch.enrolment.notifications.mobileconfig',
];

function render(policy: string, device: string, out: string, extra: string[] = []) {
  const result = spawnSync(
    process.execPath,
    [
      LATCH_CLI,
      'profile',
      'render',
      '--policy',
      join(EXAMPLES_DIR, policy),
      '--device',
      join(EXAMPLES_DIR, device),
      '--out',
      out,
      '--at',
      AT,
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  return {
    status: result.status,
    stderr: result.stderr,
    json: result.stdout ? (JSON.parse(result.stdout) as Record<string, unknown>) : undefined,
  };
}

describe('latch profile render', () => {
  const root = mkdtempSync(join(tmpdir(), 'latch-render-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes the four profiles for a macOS 14 Mac with the block policy', () => {
    const out = join(root, 'mac14');

    const result = render('policy-mac-storage-block.json', 'device-macos-14.json', out);

    assert.equal(result.status, 0);
    assert.deepEqual(result.json, {
      policy: 'mac-external-storage',
      status: 'applies',
      files: [...ENROLMENT_FILES, 'dev.latch.policy.mac-external-storage.mobileconfig'],
    });
    assert.deepEqual(readdirSync(out).sort(), (result.json!.files as string[]).slice().sort());
    const loaded = loadWithPlistlib(readdirSync(out).map((f) => join(out, f))) as {
      PayloadType: string;
    }[];
    assert.deepEqual(
      loaded.map((p) => p.PayloadType),
      ['Configuration', 'Configuration', 'Configuration', 'Configuration'],
    );
  });

  it('adds the declaration and its activation on macOS 15', () => {
    const out = join(root, 'mac15');

    const result = render('policy-mac-storage-block.json', 'device-macos-15.json', out);
    const files = result.json!.files as string[];
    const declaration = JSON.parse(readFileSync(join(out, files[4]!), 'utf8'));

    assert.equal(files.length, 6);
    assert.match(files[4]!, /^dev\.latch\.disk\.[0-9A-F-]{36}\.json$/);
    assert.match(files[5]!, /^dev\.latch\.activation\.[0-9A-F-]{36}\.json$/);
    assert.equal(declaration.Type, 'com.apple.configuration.diskmanagement.settings');
    assert.deepEqual(declaration.Payload, { Restrictions: { ExternalStorage: 'Disallowed' } });
  });

  it('writes nothing for macOS 10.15 and says why', () => {
    const out = join(root, 'mac1015');

    const result = render('policy-mac-storage-block.json', 'device-macos-10.15.json', out);

    assert.equal(result.status, 0);
    assert.deepEqual(result.json, {
      policy: 'mac-external-storage',
      status: 'not-applicable',
      reason: 'requires macOS 11 or later',
      files: [],
    });
    assert.equal(existsSync(out), false);
  });

  it('writes nothing for a user-enrolled iPhone and says why', () => {
    const result = render(
      'policy-ios-usb.json',
      'device-iphone-user-enrolled.json',
      join(root, 'u'),
    );

    assert.deepEqual(result.json, {
      policy: 'ios-usb-drives',
      status: 'not-applicable',
      reason: 'requires a supervised device; user-enrolled devices are never supervised',
      files: [],
    });
  });

  it('renders the same bytes twice', () => {
    render('policy-mac-storage-readonly.json', 'device-macos-15.json', join(root, 'a'));
    render('policy-mac-storage-readonly.json', 'device-macos-15.json', join(root, 'b'));

    const a = readdirSync(join(root, 'a')).map((f) => readFileSync(join(root, 'a', f), 'hex'));
    const b = readdirSync(join(root, 'b')).map((f) => readFileSync(join(root, 'b', f), 'hex'));

    assert.equal(a.length, 6);
    assert.deepEqual(a, b);
  });

  it('signs every profile when given a signing identity', () => {
    const keys = join(root, 'keys');
    const out = join(root, 'signed');
    spawnSync('mkdir', [keys]);
    spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=Latch test',
      ].concat(['-keyout', join(keys, 'k.pem'), '-out', join(keys, 'c.pem')]),
    );

    const result = render('policy-mac-storage-block.json', 'device-macos-14.json', out, [
      '--sign-cert',
      join(keys, 'c.pem'),
      '--sign-key',
      join(keys, 'k.pem'),
    ]);
    const file = join(out, 'dev.latch.policy.mac-external-storage.mobileconfig');
    const verified = spawnSync(
      'openssl',
      ['cms', '-verify', '-inform', 'DER', '-in', file, '-CAfile', join(keys, 'c.pem')].concat([
        '-purpose',
        'any',
      ]),
      { encoding: 'utf8' },
    );

    assert.equal(result.status, 0);
    assert.equal(verified.status, 0);
    assert.match(verified.stdout, /<string>dev\.latch\.policy\.mac-external-storage<\/string>/);
  });

  it('answers a policy file that does not match the schema with exit code 2', () => {
    const result = spawnSync(
      process.execPath,
      [
        LATCH_CLI,
        'profile',
        'render',
        '--policy',
        join(EXAMPLES_DIR, 'device-macos-14.json'),
        '--device',
        join(EXAMPLES_DIR, 'device-macos-14.json'),
        '--out',
        join(root, 'bad'),
      ],
      { encoding: 'utf8' },
    );

    assert.equal(result.status, 2);
    assert.match(result.stderr, /the policy does not match its schema/);
    assert.equal(existsSync(join(root, 'bad')), false);
  });
});
