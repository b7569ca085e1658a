/**
 * The shapes of Microsoft Store apps in Latch: what the catalog says an app is, how it can be
 * delivered, and where each device stands with it.
 */

/** How an app reaches a device: over MDM (StoreInstall), through the agent (winget), or not. */
export const APP_KINDS = ['mdm', 'agent', 'unavailable'] as const;
export type AppKind = (typeof APP_KINDS)[number];

/** Modern: MSIX/APPX with a package family name; legacy: a Win32 installer in the Store. */
export type AppType = 'modern' | 'legacy' | 'unknown';

/** What classifying a Store manifest decides. */
export interface Classification {
  kind: AppKind;
  appType: AppType;
  packageFamilyName: string | null;
  /** Why the app is delivered the way it is, or why it cannot be; null for plain MDM apps. */
  reason: string | null;
}

export interface StoreApp extends Classification {
  /** Latch's id, the target of assignments. */
  id: string;
  /** The Store's product ID, e.g. 9WZDNCRFJ3PZ or XPDP273C0XHQH2. */
  storeId: string;
  name: string;
  publisher: string;
  /** The market the classification was made for. */
  market: string;
  addedBy: string;
  createdAt: number;
  updatedAt: number;
}

export const APP_CONTEXTS = ['device', 'user'] as const;
export type AppContext = (typeof APP_CONTEXTS)[number];
export const APP_INTENTS = ['install', 'uninstall'] as const;
export type AppIntent = (typeof APP_INTENTS)[number];

/** The per-device states, spelled exactly as the API shows them. */
export const APP_STATES = [
  'pending',
  'installing',
  'installed',
  'failed',
  'not-applicable',
] as const;
export type AppState = (typeof APP_STATES)[number];
export type DeliveryPath = 'mdm' | 'agent';

/** Where one device stands with one app. */
export interface DeviceAppState {
  appId: string;
  deviceId: string;
  assignmentId: string;
  intent: AppIntent;
  context: AppContext;
  state: AppState;
  /** The channel that delivers (or delivered) it; null until one is chosen. */
  path: DeliveryPath | null;
  /** The installed version, as the device reported it. */
  version: string | null;
  /** The CSP HRESULT or winget exit code of a failure, as 0x-hex. */
  errorCode: string | null;
  errorMeaning: string | null;
  /** Why the app is not applicable, or a note on how it was delivered (a fallback). */
  reason: string | null;
  /** The channel's id for the command or task that carries it, so results find their row. */
  deliveryRef: string | null;
  updatedAt: number;
}
