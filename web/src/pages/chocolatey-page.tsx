import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { bytes, dateTime } from '../api/format';
import type { ChocolateyPackage, ChocolateySearchItem, ChocolateyUpstream } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { StatusBadge } from '../components/status-badge';
import { useLoad } from '../use-load';
import { WindowsSoftwareTabs } from './software-page';

/** The upstream repository and how it treats Latch (rate limits, 429 pauses). */
function UpstreamHealth() {
  const upstream = useLoad(
    (signal) => api<ChocolateyUpstream>('/api/v1/chocolatey/upstream', { signal }),
    [],
    { refreshMs: 15_000 },
  );
  const u = upstream.data;
  return (
    <section aria-labelledby="upstream">
      <h2 id="upstream">Upstream repository</h2>
      <ErrorNotice error={upstream.error} action="Loading the upstream status" />
      {u && (
        <dl className="facts" data-testid="upstream">
          <dt>Repository</dt>
          <dd>
            <code>{u.url}</code>
            {u.username ? ` as ${u.username}` : ''}
          </dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge state={u.status} />
            {u.pausedUntil ? ` paused by a 429 until ${dateTime(u.pausedUntil)}` : ''}
          </dd>
          <dt>Requests sent</dt>
          <dd>
            {u.requests.metadata} metadata, {u.requests.download} downloads; {u.throttled} held back
            by the rate limit
          </dd>
          <dt>Last success</dt>
          <dd>{dateTime(u.lastSuccessAt)}</dd>
          {u.lastError && (
            <>
              <dt>Last error</dt>
              <dd>
                {u.lastError} ({dateTime(u.lastErrorAt)})
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

/** Software → Windows → Chocolatey: maintenance mode, served through Latch's caching feed. */
export function ChocolateyPage() {
  const navigate = useNavigate();
  const packages = useLoad(
    (signal) =>
      api<{ feedUrl: string; items: ChocolateyPackage[] }>('/api/v1/chocolatey/packages', {
        signal,
      }),
    [],
  );
  const [query, setQuery] = useState('');
  const [packageId, setPackageId] = useState('');
  const [version, setVersion] = useState('');
  const [results, setResults] = useState<{ stale: boolean; items: ChocolateySearchItem[] }>();
  const [error, setError] = useState<unknown>();
  const [action, setAction] = useState('');
  const [busy, setBusy] = useState(false);

  async function run(label: string, work: () => Promise<void>) {
    setAction(label);
    setError(undefined);
    setBusy(true);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const search = (event: FormEvent) => {
    event.preventDefault();
    void run('Searching Chocolatey', async () => {
      setResults(await api('/api/v1/chocolatey/search', { query: { q: query.trim() } }));
    });
  };

  const add = (body: { packageId: string; version?: string }) =>
    run('Adding the package', async () => {
      const added = await api<ChocolateyPackage>('/api/v1/chocolatey/packages', {
        method: 'POST',
        body,
      });
      navigate(`/software/windows/chocolatey/${added.id}`);
    });

  const addById = (event: FormEvent) => {
    event.preventDefault();
    void add(
      version.trim()
        ? { packageId: packageId.trim(), version: version.trim() }
        : {
            packageId: packageId.trim(),
          },
    );
  };

  return (
    <>
      <PageTitle title="Windows software" />
      <WindowsSoftwareTabs />
      <p className="notice notice-warn" data-testid="maintenance-mode">
        Chocolatey is in maintenance mode: existing packages keep installing, and new ones can be
        added, but the Microsoft Store is the way forward. Agents install only from Latch&apos;s own
        feed
        {packages.data ? (
          <>
            {' '}
            (<code>{packages.data.feedUrl}</code>)
          </>
        ) : (
          ''
        )}
        , which fetches each package version from upstream once, so an office behind one address
        never hits the community repository&apos;s rate limits.
      </p>
      <ErrorNotice error={packages.error} action="Loading packages" />
      <ErrorNotice error={error} action={action} />
      <table className="data" aria-busy={packages.loading}>
        <thead>
          <tr>
            <th>Package</th>
            <th>Version</th>
            <th>Title</th>
            <th>Cache</th>
            <th className="number">Size</th>
          </tr>
        </thead>
        <tbody data-testid="choco-package-rows">
          {packages.data?.items.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/software/windows/chocolatey/${p.id}`}>{p.packageId}</Link>
              </td>
              <td>{p.version}</td>
              <td>{p.title ?? ''}</td>
              <td>
                <StatusBadge state={p.cacheState} />
              </td>
              <td className="number">{bytes(p.packageSize)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {packages.data?.items.length === 0 && <p className="empty">No Chocolatey packages.</p>}
      <section aria-labelledby="choco-search" className="card">
        <h2 id="choco-search">Add a package</h2>
        <form className="inline" role="search" onSubmit={search}>
          <label>
            Search Chocolatey
            <input
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="Package name"
            />
          </label>
          <button type="submit" disabled={busy}>
            Search
          </button>
        </form>
        {results?.stale && (
          <p className="notice notice-warn" role="status">
            The upstream repository could not be asked; these results are from the cache.
          </p>
        )}
        {results && results.items.length === 0 && <p className="empty">No package matches.</p>}
        {results && results.items.length > 0 && (
          <table className="data">
            <thead>
              <tr>
                <th>Package</th>
                <th>Version</th>
                <th>Title</th>
                <th>Authors</th>
                <th>Summary</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody data-testid="choco-result-rows">
              {results.items.map((item) => (
                <tr key={`${item.packageId}@${item.version}`}>
                  <td>{item.packageId}</td>
                  <td>
                    {item.version}
                    {item.isPrerelease ? ' (prerelease)' : ''}
                  </td>
                  <td>{item.title ?? ''}</td>
                  <td>{item.authors ?? ''}</td>
                  <td>{item.summary ?? ''}</td>
                  <td>
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Add ${item.packageId} ${item.version}`}
                      onClick={() => void add({ packageId: item.packageId, version: item.version })}
                    >
                      Add
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form className="inline" onSubmit={addById}>
          <label>
            Or add by package ID
            <input
              name="packageId"
              value={packageId}
              onChange={(e) => setPackageId(e.target.value)}
              placeholder="googlechrome"
              required
            />
          </label>
          <label>
            Version
            <input
              name="version"
              value={version}
              onChange={(e) => setVersion(e.target.value)}
              placeholder="latest"
            />
          </label>
          <button type="submit" disabled={busy}>
            Add package
          </button>
        </form>
      </section>
      <UpstreamHealth />
    </>
  );
}
