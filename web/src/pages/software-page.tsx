import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { dateTime } from '../api/format';
import type { StoreApp, StoreTerms } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { StatusBadge } from '../components/status-badge';
import { Tabs } from '../components/tabs';
import { useLoad } from '../use-load';

/** Software → Windows: its two sources, the Microsoft Store and Chocolatey. */
export function WindowsSoftwareTabs() {
  return (
    <Tabs
      tabs={[
        {
          to: '/software/windows',
          label: 'Microsoft Store',
          current: (path) =>
            path === '/software/windows' || path.startsWith('/software/windows/store'),
        },
        {
          to: '/software/windows/chocolatey',
          label: 'Chocolatey',
          note: 'maintenance mode',
          current: (path) => path.startsWith('/software/windows/chocolatey'),
        },
      ]}
    />
  );
}

/** Whether the admin accepted the Store's terms, which installs through the agent need. */
function StoreTermsNotice() {
  const terms = useLoad((signal) => api<StoreTerms>('/api/v1/store/terms', { signal }), []);
  const [error, setError] = useState<unknown>();
  if (terms.error) return <ErrorNotice error={terms.error} action="Loading the Store terms" />;
  if (!terms.data) return null;
  if (terms.data.accepted) {
    return (
      <p className="muted" data-testid="store-terms">
        Microsoft Store terms accepted by {terms.data.acceptedBy} on{' '}
        {dateTime(terms.data.acceptedAt)}; apps that install through the agent run winget with them
        accepted.
      </p>
    );
  }
  return (
    <div className="notice notice-warn" data-testid="store-terms">
      Legacy Store apps, and Store apps on PCs without Windows MDM, install through the Latch agent
      with winget, which needs the Microsoft Store terms accepted once. Until then they wait.{' '}
      <button
        type="button"
        onClick={() =>
          void api('/api/v1/store/terms/accept', { method: 'POST' }).then(terms.reload, setError)
        }
      >
        Accept the Microsoft Store terms
      </button>
      <ErrorNotice error={error} action="Accepting the terms" />
    </div>
  );
}

/** The Store apps added to Latch, and "+" to add one. */
export function StoreAppsPage() {
  const apps = useLoad(
    (signal) => api<{ items: StoreApp[] }>('/api/v1/store/apps', { signal }),
    [],
  );
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <>
      <PageTitle title="Windows software">
        <div className="menu">
          <button
            type="button"
            className="primary"
            aria-haspopup="true"
            aria-expanded={menuOpen}
            aria-label="Add an app"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            +
          </button>
          {menuOpen && (
            <ul className="menu-items">
              <li>
                <Link to="/software/windows/store/new">Microsoft Store app</Link>
              </li>
              <li>
                <Link to="/software/windows/chocolatey">Chocolatey package</Link>
              </li>
            </ul>
          )}
        </div>
      </PageTitle>
      <WindowsSoftwareTabs />
      <StoreTermsNotice />
      <ErrorNotice error={apps.error} action="Loading Store apps" />
      <table className="data" aria-busy={apps.loading}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Publisher</th>
            <th>Store ID</th>
            <th>Kind</th>
            <th>Delivery</th>
          </tr>
        </thead>
        <tbody data-testid="store-app-rows">
          {apps.data?.items.map((a) => (
            <tr key={a.id}>
              <td>
                <Link to={`/software/windows/store/${a.id}`}>{a.name}</Link>
              </td>
              <td>{a.publisher}</td>
              <td>
                <code>{a.storeId}</code>
              </td>
              <td>
                <StatusBadge state={a.kind} />
              </td>
              <td>{a.reason ?? 'over Windows MDM (StoreInstall)'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {apps.data?.items.length === 0 && (
        <p className="empty">No Store apps yet: add one with “+”.</p>
      )}
    </>
  );
}
