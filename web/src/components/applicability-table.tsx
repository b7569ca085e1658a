import { api } from '../api/client';
import { PLATFORM_NAMES } from '../api/types';
import type { Page, PolicyDeviceRow } from '../api/types';
import { useLoad } from '../use-load';
import { DeviceName } from './device-name';
import { ErrorNotice } from './error-notice';
import { SectionTitle } from './section-title';
import { StatusBadge } from './status-badge';

/** Per device reached by a policy: applies, pending or not applicable, and why. */
export function ApplicabilityTable({ policyId, round }: { policyId: string; round: number }) {
  const rows = useLoad(
    (signal) =>
      api<Page<PolicyDeviceRow>>(`/api/v1/policies/${encodeURIComponent(policyId)}/devices`, {
        query: { limit: 1000 },
        signal,
      }),
    [policyId, round],
    { refreshMs: 10_000 },
  );
  const items = rows.data?.items ?? [];
  return (
    <section aria-labelledby="applicability">
      <SectionTitle id="applicability" title="Devices" onRefresh={rows.reload} />
      <ErrorNotice error={rows.error} action="Loading where the policy applies" />
      <table className="data" aria-busy={rows.loading}>
        <thead>
          <tr>
            <th>Device</th>
            <th>Platform</th>
            <th>Status</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody data-testid="applicability-rows">
          {items.map((row) => (
            <tr key={row.deviceId}>
              <td>
                <DeviceName id={row.deviceId} />
              </td>
              <td>{PLATFORM_NAMES[row.platform]}</td>
              <td>
                <StatusBadge state={row.status} />
              </td>
              <td>
                {row.reason ?? ''}
                {row.overriddenBy
                  ? `another policy (${row.overriddenBy}) is more restrictive and wins`
                  : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!rows.loading && items.length === 0 && !rows.error && (
        <p className="empty">The policy reaches no device yet.</p>
      )}
      {rows.data?.nextCursor && <p className="muted">Showing the first {items.length} devices.</p>}
    </section>
  );
}
