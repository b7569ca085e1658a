/**
 * Dotted version numbers as devices report them ("14.6.1", "1.4.0"). Missing parts count as
 * zero, so "11" equals "11.0.0"; anything after the numeric parts ("15.1 (24B83)") is ignored.
 * Undefined for text that does not start with a number.
 */
export function parseVersion(text: string): number[] | undefined {
  const match = /^\s*(\d+(?:\.\d+)*)/.exec(text);
  return match?.[1]?.split('.').map(Number);
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** True when `text` parses and is at least `minimum`. */
export function isAtLeast(text: string, minimum: string): boolean {
  const version = parseVersion(text);
  const floor = parseVersion(minimum);
  return version !== undefined && floor !== undefined && compareVersions(version, floor) >= 0;
}
