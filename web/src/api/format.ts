/** Small formatters shared by the pages. */

/** "3 min ago", "2 h ago", or the date for anything older than a week; "never" for null. */
export function sinceNow(at: number | null | undefined, now = Date.now()): string {
  if (at === null || at === undefined) return 'never';
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  if (seconds < 7 * 86_400) return `${Math.floor(seconds / 86_400)} d ago`;
  return new Date(at).toLocaleDateString();
}

/** A full local date and time, for tooltips and tables of events. */
export function dateTime(at: number | null | undefined): string {
  return at === null || at === undefined ? '—' : new Date(at).toLocaleString();
}

/** A byte count in the units people read. */
export function bytes(size: number | null | undefined): string {
  if (size === null || size === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export const orDash = (value: string | null | undefined) => (value ? value : '—');
