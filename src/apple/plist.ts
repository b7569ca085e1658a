import * as plist from 'plist';
import { invalidPlist } from '../errors.js';

/**
 * Property list values as our profile code handles them. `Uint8Array` is `<data>`,
 * `Date` is `<date>`; a whole number is written `<integer>` and any other number `<real>`.
 */
export type PlistValue = string | number | boolean | Date | Uint8Array | PlistArray | PlistDict;
export type PlistArray = PlistValue[];
export interface PlistDict {
  [key: string]: PlistValue;
}

/** Larger than any profile we sign or read; guards the parser against hostile input. */
export const MAX_PLIST_BYTES = 4 * 1024 * 1024;

/**
 * Reads an XML property list (Apple's DTD). The document type declaration every plist carries
 * is accepted, but an internal subset that declares entities is refused before parsing, so
 * entity expansion cannot be used to blow up memory.
 *
 * @throws LatchError `invalid_plist` for anything that is not a well-formed plist.
 */
export function parsePlist(text: string): PlistValue {
  if (text.length > MAX_PLIST_BYTES) throw invalidPlist('property list too large');
  if (/<!ENTITY/i.test(text) || /<!DOCTYPE[^>]*\[/i.test(text)) {
    throw invalidPlist('property list declares entities');
  }
  try {
    return plist.parse(text) as PlistValue;
  } catch (error) {
    throw invalidPlist('not a well-formed property list', error);
  }
}

/** Reads a plist whose top level must be a dictionary (every profile and MDM message is one). */
export function parsePlistDict(text: string): PlistDict {
  const value = parsePlist(text);
  if (!isPlistDict(value)) throw invalidPlist('the property list is not a dictionary');
  return value;
}

/**
 * Writes an XML property list, keys in the order the object holds them, tab-indented as
 * Apple's tools do. The same value always gives the same bytes.
 */
export function buildPlist(value: PlistValue): string {
  return plist.build(value, { pretty: true, indent: '\t', newline: '\n' }) + '\n';
}

export function isPlistDict(value: PlistValue | undefined): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}
