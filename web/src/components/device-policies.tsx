import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Policy, PolicyApplicability } from '../api/types';
import { useLoad } from '../use-load';
import { ErrorNotice } from './error-notice';
import { SectionTitle } from './section-title';
import { StatusBadge } from './status-badge';

/** The policies that reach a device, directly or through its groups, and whether each applies. */
export function DevicePolicies({ deviceId }: { deviceId: string }) {
  const applicability = useLoad(
    (signal) =>
      api<{ items: PolicyApplicability[] }>(
        `/api/v1/devices/${encodeURIComponent(deviceId)}/policies`,
        { signal },
      ),
    [deviceId],
    { refreshMs: 10_000 },
  );
  const policies = useLoad(
    (signal) => api<{ items: Policy[] }>('/api/v1/policies', { signal }),
    [],
  );
  const names = new Map(policies.data?.items.map((p) => [p.id, p.name]));
  const items = applicability.data?.items ?? [];
  return (
    <section aria-labelledby="policies">
      <SectionTitle id="policies" title="Policies" onRefresh={applicability.reload} />
      <ErrorNotice error={applicability.error} action="Loading the device's policies" />
      <table className="data" aria-busy={applicability.loading}>
        <thead>
          <tr>
            <th>Policy</th>
            <th>Status</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody data-testid="device-policy-rows">
          {items.map((a) => (
            <tr key={a.policyId}>
              <td>
                <Link to={`/policies/${a.policyId}`}>{names.get(a.policyId) ?? a.policyId}</Link>
              </td>
              <td>
                <StatusBadge state={a.status} />
              </td>
              <td>
                {a.reason ?? ''}
                {a.overriddenBy
                  ? `${names.get(a.overriddenBy) ?? a.overriddenBy} is more restrictive and wins`
                  : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!applicability.loading && items.length === 0 && !applicability.error && (
        <p className="empty">No policy reaches this device.</p>
      )}
    </section>
  );
}
