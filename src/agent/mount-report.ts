import type { StorageCategory } from './classify-volume.js';
import type { MountDecision, MountVerdict } from './decide-mount.js';
import type { VolumeDescription } from './volume-description.js';

/** The agent event kind of a mount report. */
export const MOUNT_EVENT_KIND = 'storage.mount';

/**
 * What the agent reports for every refused, remounted (read-only) or audited mount. It travels
 * as the payload of an agent event of kind {@link MOUNT_EVENT_KIND}; the event id makes a retried
 * upload count once.
 */
export interface MountReport {
  /** Chosen by the agent, unique per device. */
  eventId: string;
  /** When the mount was decided (epoch ms). */
  occurredAt: number;
  /** The user who asked for the mount (`root` for the system). */
  user: string;
  /** BSD or kernel name of the volume (`disk4s1`, `sdb1`). */
  disk: string | null;
  /** Bus or protocol as the machine named it (`USB`, `Secure Digital`, `usb`). */
  bus: string | null;
  /** Media kind: IOKit class, optical media type, or lsblk TYPE. */
  mediaKind: string | null;
  volumeName: string | null;
  sizeBytes: number | null;
  category: StorageCategory;
  decision: Exclude<MountVerdict, 'allow'>;
  rule: string;
}

/** True when a decision is one the server must hear about (refused, read-only or audited). */
export function isReportable(
  decision: MountDecision,
): decision is MountDecision & { decision: MountReport['decision'] } {
  return decision.decision !== 'allow';
}

/** Builds the report of a decided mount. */
export function mountReport(
  volume: VolumeDescription,
  decision: MountDecision & { decision: MountReport['decision'] },
  context: { eventId: string; occurredAt: number; user: string },
): MountReport {
  return {
    ...context,
    disk: volume.device ?? null,
    bus: volume.protocol ?? null,
    mediaKind: volume.mediaKind ?? null,
    volumeName: volume.volumeName ?? null,
    sizeBytes: volume.sizeBytes ?? null,
    category: decision.category,
    decision: decision.decision,
    rule: decision.rule,
  };
}
