import { parse as parseOpenStep } from '@plist/openstep.parse';
import { parsePlist } from '../apple/plist.js';
import type { PlistDict, PlistValue } from '../apple/plist.js';

/** A property-list dictionary as the readers in this folder consume it. */
export type PlistDictionary = PlistDict;
export type { PlistValue };

/**
 * Parses XML property-list text (`diskutil … -plist`) with the project's plist reader, which
 * refuses entity declarations. Throws when the text is not a plist.
 */
export function parseXmlPlist(text: string): PlistValue {
  return parsePlist(text.replace(/^\uFEFF/, ''));
}

/**
 * Parses an NSDictionary description in OpenStep property-list syntax (`{ Key = value; }`), the
 * form `NSLog` and `print` use for DiskArbitration descriptions. Scalars come back as strings.
 */
export function parseOpenStepDictionary(text: string): PlistDictionary {
  // Descriptions hold strings, dictionaries and arrays only, all of which PlistValue covers.
  const value = parseOpenStep(text) as PlistValue;
  if (!isDictionary(value)) throw new Error('not an OpenStep dictionary');
  return value;
}

export function isDictionary(value: PlistValue | undefined): value is PlistDictionary {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  );
}

/** The string at `key`, or undefined when absent or not a string. */
export function stringAt(dict: PlistDictionary, key: string): string | undefined {
  const value = dict[key];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean at `key`: a plist boolean, or `1`/`0`/`Yes`/`No` as description dumps print them. */
export function booleanAt(dict: PlistDictionary, key: string): boolean | undefined {
  const value = dict[key];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value !== 'string') return undefined;
  if (/^(1|yes|true)$/i.test(value)) return true;
  if (/^(0|no|false)$/i.test(value)) return false;
  return undefined;
}

/** A number at `key` (integers, reals, or digit strings from description dumps). */
export function numberAt(dict: PlistDictionary, key: string): number | undefined {
  const value = dict[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}
