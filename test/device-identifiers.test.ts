import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usableIdentifier } from '../src/device-identifiers.js';

describe('usable device identifiers', () => {
  it('trims, and drops empty values and firmware placeholder serial numbers', () => {
    const cases: [string | null | undefined, 'serial' | 'other', string | undefined][] = [
      [' C02XK1ZQJGH5 ', 'serial', 'C02XK1ZQJGH5'],
      ['', 'serial', undefined],
      ['   ', 'other', undefined],
      [null, 'other', undefined],
      ['To Be Filled By O.E.M.', 'serial', undefined],
      ['Default string', 'serial', undefined],
      ['0', 'serial', undefined],
      // Only serial numbers have placeholders: a UDID of "0" is merely odd.
      ['0', 'other', '0'],
    ];
    for (const [value, kind, expected] of cases) {
      assert.equal(usableIdentifier(value, kind), expected, JSON.stringify(value));
    }
  });
});
