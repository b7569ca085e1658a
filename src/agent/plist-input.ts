import { parse } from '@plist/plist';
import { parse as parseOpenStep } from '@plist/openstep.parse';
import type { Dictionary, Value } from '@plist/common';

/** A property-list dictionary as the readers in this folder consume it. */
export type PlistDictionary = Dictionary;
export type PlistValue = Value;

// Apple's tools always write this one document type; any other (an internal subset, entities)
// is refused before parsing so that no entity is ever expanded.
const APPLE_DOCTYPE =
  /<!DOCTYPE plist PUBLIC "-\/\/Apple\/\/DTD PLIST 1\.0\/\/EN" "http:\/\/www\.apple\.com\/DTDs\/PropertyList-1\.0\.dtd">/;

/**
 * Parses XML property-list text (`diskutil … -plist`). Throws when the text is not a plist, or
 * declares entities or a document type other than Apple's.
 */
export function parseXmlPlist(text: string): PlistValue {
  const body = text.replace(/^\uFEFF/, '').replace(APPLE_DOCTYPE, '');
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) {
    throw new Error('property list declares a document type or entities; refused');
  }
  if (!/<plist[\s>]/.test(body)) throw new Error('not an XML property list');
  return parse(body);
}

/**
 * Parses an NSDictionary description in OpenStep property-list syntax (`{ Key = value; }`), the
 * form `NSLog` and `print` use for DiskArbitration descriptions. Scalars come back as strings.
 */
export function parseOpenStepDictionary(text: string): PlistDictionary {
  const value = parseOpenStep(text);
  if (!isDictionary(value)) throw new Error('not an OpenStep dictionary');
  return value;
}

export function isDictionary(value: PlistValue | undefined): value is PlistDictionary {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof ArrayBuffer) &&
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
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}
