import { DEVICE_ID_PLACEHOLDER, DEVICE_SECRET_PLACEHOLDER } from '../../agent/exec-task.js';
import type { ChocoInstallState } from '../../storage/roles/chocolatey.js';

/** What the agent runs to install or upgrade one package version from Latch's feed. */
export interface ChocoCommand {
  program: 'choco';
  args: string[];
}

/**
 * `choco upgrade ID --version V -y --no-progress --limit-output --source FEED --user ID
 * --password SECRET`, the credential filled in by the agent. `upgrade`
 * installs when the package is absent, so one command serves first installs and updates; the
 * feed is the only source, so the agent never reaches the community repository itself.
 */
export function buildChocoUpgrade(
  packageId: string,
  version: string,
  feedUrl: string,
): ChocoCommand {
  return {
    program: 'choco',
    args: [
      'upgrade',
      packageId,
      '--version',
      version,
      '-y',
      '--no-progress',
      '--limit-output',
      '--source',
      feedUrl,
      // The agent fills in its own credential: the feed knows the device by it.
      '--user',
      DEVICE_ID_PLACEHOLDER,
      '--password',
      DEVICE_SECRET_PLACEHOLDER,
    ],
  };
}

/** The state one exit code of `choco upgrade` puts the device's install in, and why. */
export interface ChocoOutcome {
  state: Extract<ChocoInstallState, 'installed' | 'failed' | 'pending'>;
  rebootRequired: boolean;
  meaning: string;
}

/*
 * Chocolatey passes the package installer's exit code through (usePackageExitCodes), so the
 * Windows Installer codes appear beside Chocolatey's own:
 * https://docs.chocolatey.org/en-us/choco/commands/upgrade#exit-codes and
 * https://learn.microsoft.com/windows/win32/msi/error-codes
 */
const OUTCOMES: Record<number, ChocoOutcome> = {
  0: { state: 'installed', rebootRequired: false, meaning: 'installed' },
  1641: {
    state: 'installed',
    rebootRequired: true,
    meaning: 'installed; the installer started a restart',
  },
  3010: {
    state: 'installed',
    rebootRequired: true,
    meaning: 'installed; a restart is required to complete it',
  },
  2: {
    state: 'installed',
    rebootRequired: false,
    meaning: 'nothing to do: that version is already installed',
  },
  350: {
    state: 'pending',
    rebootRequired: true,
    meaning: 'a restart was pending before the install, so nothing was done; retried after restart',
  },
  1604: {
    state: 'pending',
    rebootRequired: true,
    meaning:
      'the install was suspended by a restart it needs and is incomplete; retried after restart',
  },
  1618: {
    state: 'pending',
    rebootRequired: false,
    meaning: 'another installation was in progress; retried later',
  },
  1: { state: 'failed', rebootRequired: false, meaning: 'Chocolatey reported an error' },
  [-1]: { state: 'failed', rebootRequired: false, meaning: 'Chocolatey reported an error' },
  1602: { state: 'failed', rebootRequired: false, meaning: 'the installation was cancelled' },
  1603: {
    state: 'failed',
    rebootRequired: false,
    meaning: 'the installer hit a fatal error during installation',
  },
  1619: {
    state: 'failed',
    rebootRequired: false,
    meaning: 'the installer package could not be opened',
  },
  1638: {
    state: 'failed',
    rebootRequired: false,
    meaning: 'another version of the product is already installed',
  },
};

/**
 * Maps an exit code of `choco upgrade` to the install's state. 0, 1641 and 3010 are success (the
 * last two with a restart noted); 350 and 1604 mean a restart stands in the way, so the install
 * stays pending; every other code is a failure that keeps its number.
 */
export function chocoOutcome(exitCode: number): ChocoOutcome {
  return (
    OUTCOMES[exitCode] ?? {
      state: 'failed',
      rebootRequired: false,
      meaning: `the package installer failed with exit code ${exitCode}`,
    }
  );
}
