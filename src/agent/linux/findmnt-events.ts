/** One change of the mount table, from `findmnt --poll -r -n -o` {@link FINDMNT_COLUMNS}. */
export interface MountTableChange {
  action: 'mount' | 'umount' | 'remount' | 'move';
  source: string;
  target: string;
  fileSystem: string;
  options: string[];
}

/** The findmnt columns the Linux adapter asks for, in order. */
export const FINDMNT_COLUMNS = 'ACTION,SOURCE,TARGET,FSTYPE,OPTIONS';

/** Parses one raw findmnt line (fields separated by spaces, unsafe bytes as `\xHH`). */
export function parseMountTableChange(line: string): MountTableChange | undefined {
  const [action, source, target, fileSystem, options] = line.trim().split(' ').map(unescapeRaw);
  if (!action || !source || !target || !['mount', 'umount', 'remount', 'move'].includes(action)) {
    return undefined;
  }
  return {
    action: action as MountTableChange['action'],
    source,
    target,
    fileSystem: fileSystem ?? '',
    options: (options ?? '').split(','),
  };
}

function unescapeRaw(field: string): string {
  return field.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}
