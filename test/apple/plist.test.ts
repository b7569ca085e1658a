import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPlist, parsePlist, parsePlistDict } from '../../src/apple/plist.js';
import { FIXTURES_DIR, listFixtures, readFixture } from '../helpers/fixtures.js';
import { loadWithPlistlib } from '../helpers/plistlib.js';

const dir = mkdtempSync(join(tmpdir(), 'latch-plist-'));

describe('plist codec', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of listFixtures('mobileconfig')) {
    it(`reads ${file} and writes it back with the same meaning`, () => {
      const written = join(dir, file);
      writeFileSync(written, buildPlist(parsePlist(readFixture('mobileconfig', file))));

      const [original, ours] = loadWithPlistlib([`${FIXTURES_DIR}mobileconfig/${file}`, written]);

      assert.deepEqual(ours, original);
    });
  }

  it('keeps whitespace, entities, data and dates', () => {
    const value = {
      padded: '  two spaces  ',
      markup: 'a & b <c>',
      bytes: Buffer.from([0, 1, 2, 254]),
      when: new Date('2026-12-04T09:00:00Z'),
      count: -7,
      ratio: 2.5,
      yes: true,
      nested: [{ empty: '' }],
    };
    const written = join(dir, 'kinds.plist');
    writeFileSync(written, buildPlist(value));

    const [loaded] = loadWithPlistlib([written]);
    const reread = parsePlistDict(buildPlist(value));

    assert.deepEqual(loaded, {
      padded: '  two spaces  ',
      markup: 'a & b <c>',
      bytes: { $data: 'AAEC/g==' },
      when: { $date: '2026-12-04T09:00:00' },
      count: { $integer: '-7' },
      ratio: { $real: '2.5' },
      yes: true,
      nested: [{ empty: '' }],
    });
    assert.equal(reread.padded, '  two spaces  ');
    assert.deepEqual(Buffer.from(reread.bytes as Uint8Array), value.bytes);
    assert.equal((reread.when as Date).toISOString(), '2026-12-04T09:00:00.000Z');
  });

  it('writes the same value to the same bytes', () => {
    const value = { b: 1, a: ['x', { c: false }] };

    assert.equal(buildPlist(value), buildPlist(structuredClone(value)));
  });

  const BAD: [string, string][] = [
    ['not XML at all', 'hello'],
    ['an unclosed dict', '<plist version="1.0"><dict><key>a</key>'],
    [
      'an entity declaration',
      '<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x "boom">]><plist><string>&x;</string></plist>',
    ],
  ];
  for (const [name, text] of BAD) {
    it(`refuses ${name} with invalid_plist`, () => {
      assert.throws(() => parsePlist(text), { code: 'invalid_plist' });
    });
  }

  it('refuses a top level that is not a dictionary where one is required', () => {
    assert.throws(() => parsePlistDict(buildPlist(['a'])), { code: 'invalid_plist' });
  });
});
