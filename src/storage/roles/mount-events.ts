import type { MountReport } from '../../agent/mount-report.js';
import type { Page } from '../../domain.js';

/** A stored mount report of one device. */
export interface MountEvent extends Omit<MountReport, 'eventId'> {
  /** Server-side order of arrival; pages go newest first. */
  id: number;
  deviceId: string;
  eventId: string;
  receivedAt: number;
}

export interface MountEventFilter {
  deviceId?: string | undefined;
  decision?: string | undefined;
  category?: string | undefined;
  /** Only events that occurred at or after this time (epoch ms). */
  from?: number | undefined;
  /** Only events that occurred before this time (epoch ms). */
  to?: number | undefined;
  limit?: number | undefined;
  /** From a previous page's `nextCursor`. */
  cursor?: string | undefined;
}

/** Mount reports the agents sent: refused, remounted read-only and audited mounts. */
export interface MountEventStore {
  /**
   * Stores the reports whose (device, event id) is new and answers how many were; a report
   * already stored is skipped, so a retried upload changes nothing.
   */
  recordMountEvents(deviceId: string, reports: MountReport[], receivedAt: number): Promise<number>;
  /** Stored mount events, newest first, by device, decision, category and time. */
  listMountEvents(filter?: MountEventFilter): Promise<Page<MountEvent>>;
}
