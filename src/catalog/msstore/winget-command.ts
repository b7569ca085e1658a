import type { AppContext, AppState } from './store-app.js';

/** A program and its arguments, run without a shell, so no argument is ever re-parsed. */
export interface AgentCommandLine {
  command: 'winget';
  args: string[];
  /** `system` runs as the agent (device context); `user` in the signed-in user's session. */
  runAs: 'system' | 'user';
}

/**
 * The winget command that installs a Store product through the agent: from the msstore source,
 * exactly this ID, silently, with the package's and the source's agreements accepted (which an
 * admin has done once for the organisation, recorded in the audit log). Device context installs
 * for every user (`--scope machine`); user context runs in the user's session with `--scope user`.
 */
export function wingetInstallCommand(storeId: string, context: AppContext): AgentCommandLine {
  return {
    command: 'winget',
    args: [
      'install',
      '--id',
      storeId,
      '--source',
      'msstore',
      '--exact',
      '--silent',
      '--accept-package-agreements',
      '--accept-source-agreements',
      '--scope',
      context === 'device' ? 'machine' : 'user',
    ],
    runAs: context === 'device' ? 'system' : 'user',
  };
}

/** The winget command that removes a Store product installed through the agent. */
export function wingetUninstallCommand(storeId: string, context: AppContext): AgentCommandLine {
  return {
    command: 'winget',
    args: [
      'uninstall',
      '--id',
      storeId,
      '--source',
      'msstore',
      '--exact',
      '--silent',
      '--accept-source-agreements',
      '--scope',
      context === 'device' ? 'machine' : 'user',
    ],
    runAs: context === 'device' ? 'system' : 'user',
  };
}

/** What an exit code of winget means for the app's state on the device. */
export interface WingetOutcome {
  state: Extract<AppState, 'installed' | 'failed' | 'not-applicable'>;
  /** 0x-hex, as winget documents its codes; null for success. */
  code: string | null;
  meaning: string;
}

/**
 * winget's documented return codes (microsoft/winget-cli doc/windows/package-manager/winget/
 * returnCodes.md) that an install can end with. Codes that say the package is there already, or
 * is there but needs a restart, count as installed.
 */
const WINGET_CODES: Record<number, Omit<WingetOutcome, 'code'>> = {
  0x8a150006: { state: 'failed', meaning: 'the installer failed to run' },
  0x8a150008: { state: 'failed', meaning: 'downloading the installer failed' },
  0x8a150010: { state: 'not-applicable', meaning: 'none of the installers suit this PC' },
  0x8a150011: { state: 'failed', meaning: "the installer's hash does not match the manifest" },
  0x8a150014: { state: 'failed', meaning: 'no package with this ID in the msstore source' },
  0x8a15001b: { state: 'failed', meaning: 'the Microsoft Store client is blocked by policy' },
  0x8a15001c: { state: 'failed', meaning: 'the Microsoft Store app is blocked by policy' },
  0x8a15001e: { state: 'failed', meaning: 'installing the Microsoft Store app failed' },
  0x8a15002b: { state: 'installed', meaning: 'already installed; no applicable update' },
  0x8a15003a: { state: 'failed', meaning: 'winget is blocked by Group Policy' },
  0x8a150041: { state: 'failed', meaning: 'the package agreements were not accepted' },
  0x8a150046: { state: 'failed', meaning: 'the source agreements were not accepted' },
  0x8a150061: { state: 'installed', meaning: 'a version of the package is installed already' },
  0x8a150101: { state: 'failed', meaning: 'the application is running; close it and retry' },
  0x8a150102: { state: 'failed', meaning: 'another installation is in progress' },
  0x8a150103: { state: 'failed', meaning: 'a file the installer needs is in use' },
  0x8a150104: { state: 'failed', meaning: 'a dependency is missing' },
  0x8a150105: { state: 'failed', meaning: 'the disk is full' },
  0x8a150106: { state: 'failed', meaning: 'not enough memory to install' },
  0x8a150107: { state: 'failed', meaning: 'the installer needs a network connection' },
  0x8a150109: { state: 'installed', meaning: 'installed; a restart finishes it' },
  0x8a15010a: { state: 'failed', meaning: 'Windows must restart before it can install' },
  0x8a15010b: { state: 'installed', meaning: 'installed; the installer started a restart' },
  0x8a15010c: { state: 'failed', meaning: 'the installation was cancelled' },
  0x8a15010d: { state: 'installed', meaning: 'another version is installed already' },
  0x8a15010e: { state: 'installed', meaning: 'a higher version is installed already' },
  0x8a15010f: { state: 'failed', meaning: 'organisation policy prevents the installation' },
  0x8a150110: { state: 'failed', meaning: 'installing its dependencies failed' },
  0x8a150113: { state: 'not-applicable', meaning: 'the package does not support this system' },
};

/** Maps winget's exit code (signed 32-bit as Windows reports it, or unsigned) to a state. */
export function interpretWingetExit(exitCode: number): WingetOutcome {
  if (exitCode === 0) return { state: 'installed', code: null, meaning: 'installed' };
  const unsigned = exitCode >>> 0;
  const code = hresult(unsigned);
  const known = WINGET_CODES[unsigned];
  if (known) return { ...known, code };
  return { state: 'failed', code, meaning: 'winget failed with an undocumented code' };
}

/** 0x-prefixed, 8 upper-case hex digits. */
export function hresult(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** `winget list` for one Store ID, whose output tells the installed version. */
export function wingetListCommand(storeId: string, context: AppContext): AgentCommandLine {
  return {
    command: 'winget',
    args: ['list', '--id', storeId, '--source', 'msstore', '--exact', '--accept-source-agreements'],
    runAs: context === 'device' ? 'system' : 'user',
  };
}

/**
 * The version in `winget list` output: the table row whose Id column is `storeId`, the column
 * after it. Progress spinners and carriage returns winget writes before the table are skipped.
 * Null when the package is not listed or its version is "Unknown".
 */
export function parseWingetListVersion(output: string, storeId: string): string | null {
  for (const line of output.split(/\r?\n|\r/)) {
    const columns = line.trim().split(/\s+/);
    const at = columns.findIndex((c) => c.toUpperCase() === storeId.toUpperCase());
    const version = at >= 0 ? columns[at + 1] : undefined;
    if (version && /^\d+(\.\d+)*$/.test(version)) return version;
  }
  return null;
}
