import type { ReportedDeclaration } from '../../apple/declaration-status.js';

/** What a device last reported of one declaration (its `management.declarations` status). */
export interface AppleDeclarationState extends ReportedDeclaration {
  deviceId: string;
  reportedAt: number;
}

/** The DeclarationsToken last announced to a device with a DeclarativeManagement command. */
export interface AppleDeclarationSync {
  deviceId: string;
  declarationsToken: string;
  announcedAt: number;
}

export interface AppleDeclarationStore {
  getAppleDeclarationSync(deviceId: string): Promise<AppleDeclarationSync | undefined>;
  putAppleDeclarationSync(sync: AppleDeclarationSync): Promise<void>;
  /** Replaces every declaration state of the device with the ones given. */
  replaceAppleDeclarationStates(
    deviceId: string,
    states: ReportedDeclaration[],
    now: number,
  ): Promise<void>;
  /** The device's declaration states, by identifier. */
  listAppleDeclarationStates(deviceId: string): Promise<AppleDeclarationState[]>;
  /** Forgets the announced token and the states (a new enrolment starts with none). */
  forgetAppleDeclarations(deviceId: string): Promise<void>;
}
