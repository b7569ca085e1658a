import { hresult } from '../catalog/msstore/winget-command.js';
import { versionOfPackageFullName } from './modern-app-commands.js';

/** What the device's answers to the StoreInstall polls say about the app. */
export interface StoreInstallVerdict {
  state: 'installing' | 'installed' | 'failed';
  version: string | null;
  errorCode: string | null;
  errorMeaning: string | null;
  /**
   * True when the failure means the Store path is closed to this device (licensing, the Store
   * disabled by policy): retrying over MDM cannot help, the agent's winget may.
   */
  storePathClosed: boolean;
}

/** What a device answered to the polls of `storeInstallStatusQueries`. */
export interface StoreInstallAnswers {
  /** AppInstallation/{PFN}/Status; null when the node is gone (404), as after a success. */
  status: number | null;
  lastError?: number | null;
  lastErrorDesc?: string | null;
  /** Child node names of AppManagement/AppStore/{PFN}: package full names. */
  installedPackages?: string[];
}

/**
 * HRESULTs a Store install reports in LastError, with their meaning. Those marked `closed` say
 * the Store cannot deliver to this device at all.
 */
const STORE_ERRORS: Record<number, { meaning: string; closed?: true }> = {
  0x803f8001: { meaning: 'the Store licence for the app could not be acquired', closed: true },
  0x800704ec: { meaning: 'the Microsoft Store is disabled by policy on this device', closed: true },
  0x80073d01: { meaning: 'deployment of the package is blocked by policy', closed: true },
  0x80070005: { meaning: 'access denied' },
  0x80070070: { meaning: 'not enough disk space' },
  0x80072ee7: { meaning: 'the device could not resolve the Store server name (offline?)' },
  0x80072efd: { meaning: 'the device could not connect to the Store' },
  0x80073cf0: { meaning: 'the package could not be opened' },
  0x80073cf3: { meaning: 'the package failed dependency or conflict validation' },
  0x80073cf6: { meaning: 'the package could not be registered' },
  0x80073cf9: { meaning: 'the package install failed' },
  0x80073cfb: { meaning: 'the package is installed already and reinstalling was blocked' },
  0x80073d02: { meaning: 'resources the package modifies are in use; close the app and retry' },
  0x80073d08: { meaning: 'not enough disk space for the package' },
};

/** The meaning of a StoreInstall HRESULT, and whether it closes the Store path. */
export function storeInstallError(code: number, description?: string | null) {
  const known = STORE_ERRORS[code >>> 0];
  return {
    errorCode: hresult(code),
    errorMeaning: known?.meaning ?? (description?.trim() || 'the Store install failed'),
    storePathClosed: known?.closed === true,
  };
}

/**
 * Reads the polled nodes: an installed package under AppStore/{PFN} means installed (with the
 * version from its full name); Status 0 (not started) and 1 (installing) mean still installing;
 * 2 is a failure described by LastError; 3 is installed. The CSP clears the AppInstallation node
 * after a success, so a missing node with no installed package means the install has not shown
 * up yet.
 */
export function interpretStoreInstall(answers: StoreInstallAnswers): StoreInstallVerdict {
  const installed = answers.installedPackages?.find((name) => name.length > 0);
  if (installed || answers.status === 3) {
    return {
      state: 'installed',
      version: installed ? versionOfPackageFullName(installed) : null,
      errorCode: null,
      errorMeaning: null,
      storePathClosed: false,
    };
  }
  if (answers.status === 2) {
    return {
      state: 'failed',
      version: null,
      ...storeInstallError(answers.lastError ?? 0x80073cf9, answers.lastErrorDesc),
    };
  }
  return {
    state: 'installing',
    version: null,
    errorCode: null,
    errorMeaning: null,
    storePathClosed: false,
  };
}
