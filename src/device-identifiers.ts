/**
 * Serial numbers that firmware reports when the maker never set one. Many machines share each
 * of them, so they identify nothing: matched on, they would merge unrelated devices into one.
 * Compared case-insensitively, after trimming.
 */
const PLACEHOLDER_SERIALS = new Set([
  '0',
  '00000000',
  '0123456789',
  '1234567890',
  'chassis serial number',
  'default string',
  'invalid',
  'n/a',
  'na',
  'none',
  'not applicable',
  'not specified',
  'o.e.m.',
  'oem',
  'system serial number',
  'to be filled by o.e.m.',
  'unknown',
]);

/**
 * A device identifier (serial number, UDID, hardware UUID) as Latch may match and store it:
 * trimmed, and absent when empty. A serial number that is a known firmware placeholder is
 * absent too.
 */
export function usableIdentifier(
  value: string | null | undefined,
  kind: 'serial' | 'other' = 'other',
): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (kind === 'serial' && PLACEHOLDER_SERIALS.has(trimmed.toLowerCase())) return undefined;
  return trimmed;
}
