import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { sinceNow } from '../api/format';
import type { Policy } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { StatusBadge } from '../components/status-badge';
import { useLoad } from '../use-load';

/** The templates a new policy starts from: one policy kind, named for where it matters. */
export const POLICY_TEMPLATES = [
  { template: 'mac', label: 'Mac External Storage Restrictions' },
  { template: 'ios', label: 'iOS USB drive restriction' },
  { template: 'windows', label: 'Windows removable storage' },
];

/** Every storage-restriction policy, and the ways to start a new one. */
export function PoliciesPage() {
  const policies = useLoad(
    (signal) => api<{ items: Policy[] }>('/api/v1/policies', { signal }),
    [],
  );
  return (
    <>
      <PageTitle title="Policies">
        {POLICY_TEMPLATES.map((t) => (
          <Link key={t.template} className="button" to={`/policies/new?template=${t.template}`}>
            + {t.label}
          </Link>
        ))}
      </PageTitle>
      <ErrorNotice error={policies.error} action="Loading policies" />
      <table className="data" aria-busy={policies.loading}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Mode</th>
            <th className="number">Version</th>
            <th className="number">Exceptions</th>
            <th>Changed</th>
          </tr>
        </thead>
        <tbody data-testid="policy-rows">
          {policies.data?.items.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/policies/${p.id}`}>{p.name}</Link>
              </td>
              <td>
                <StatusBadge state={p.settings.mode} />
              </td>
              <td className="number">{p.version}</td>
              <td className="number">{p.settings.exceptions?.length ?? 0}</td>
              <td>{sinceNow(p.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {policies.data?.items.length === 0 && <p className="empty">No policies yet.</p>}
    </>
  );
}
