import { useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { dateTime } from '../api/format';
import type { StoreApp, StoreSearchAnswer } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { StatusBadge } from '../components/status-badge';
import { useLoad } from '../use-load';
import { WindowsSoftwareTabs } from './software-page';

const KIND_WORDS = {
  mdm: 'installs over Windows MDM',
  agent: 'installs through the Latch agent',
  unavailable: 'cannot be installed',
};

/** Says plainly when an answer came from the cache because the Store could not be reached. */
function StaleNotice({ answer }: { answer: StoreSearchAnswer }) {
  if (!answer.stale) return null;
  return (
    <p className="notice notice-warn" role="status" data-testid="stale-notice">
      The Microsoft Store could not be reached ({answer.storeError ?? 'no answer'}). These results
      are from the cache, stale since {dateTime(answer.staleSince)}.
    </p>
  );
}

/** Software → Windows → "+" → Microsoft Store app: search the Store, see each app's kind, add. */
export function StoreSearchPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [reference, setReference] = useState('');
  const [error, setError] = useState<unknown>();
  const [adding, setAdding] = useState<string | null>(null);
  const answer = useLoad(
    (signal) =>
      q
        ? api<StoreSearchAnswer>('/api/v1/store/search', { query: { q }, signal })
        : Promise.resolve(undefined),
    [q],
  );

  async function add(ref: string) {
    setError(undefined);
    setAdding(ref);
    try {
      const added = await api<StoreApp>('/api/v1/store/apps', {
        method: 'POST',
        body: { reference: ref },
      });
      navigate(`/software/windows/store/${added.id}`);
    } catch (caught) {
      setError(caught);
      setAdding(null);
    }
  }

  const search = (event: FormEvent) => {
    event.preventDefault();
    setParams(text.trim() ? { q: text.trim() } : {}, { replace: true });
  };

  const items = answer.data?.items ?? [];
  return (
    <>
      <PageTitle title="Add a Microsoft Store app" />
      <WindowsSoftwareTabs />
      <form className="inline" role="search" onSubmit={search}>
        <label>
          Search the Microsoft Store
          <input
            type="search"
            name="store-query"
            placeholder="App name"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoFocus
          />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <ErrorNotice error={answer.error} action="Searching the Store" />
      <ErrorNotice error={error} action="Adding the app" />
      {answer.loading && q && <p className="muted">Searching the Store for “{q}”…</p>}
      {answer.data && <StaleNotice answer={answer.data} />}
      {answer.data && !answer.loading && (
        <p className="muted" data-testid="store-result-count">
          {items.length} result{items.length === 1 ? '' : 's'} for “{answer.data.query}” in market{' '}
          {answer.data.market}.
        </p>
      )}
      {items.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th>
                <span className="sr-only">Icon</span>
              </th>
              <th>Name</th>
              <th>Publisher</th>
              <th>Store ID</th>
              <th>Kind</th>
              <th>Why</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody data-testid="store-result-rows">
            {items.map((item) => (
              <tr key={item.id}>
                <td>{item.iconUrl && <img src={item.iconUrl} alt="" width={24} height={24} />}</td>
                <td>{item.name}</td>
                <td>{item.publisher}</td>
                <td>
                  <code>{item.id}</code>
                </td>
                <td>
                  <StatusBadge state={item.kind} title={KIND_WORDS[item.kind]} />
                </td>
                <td>{item.reason ?? ''}</td>
                <td>
                  {item.kind !== 'unavailable' && (
                    <button
                      type="button"
                      aria-label={`Add ${item.name}`}
                      disabled={adding !== null}
                      onClick={() => void add(item.id)}
                    >
                      {adding === item.id ? 'Adding…' : 'Add'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="card inline"
        onSubmit={(event) => {
          event.preventDefault();
          if (reference.trim()) void add(reference.trim());
        }}
      >
        <label>
          Or paste a Store URL or ID
          <input
            name="reference"
            placeholder="https://apps.microsoft.com/detail/9WZDNCRFJ3PZ or 9WZDNCRFJ3PZ"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            size={50}
          />
        </label>
        <button type="submit" disabled={adding !== null}>
          Add by URL or ID
        </button>
      </form>
    </>
  );
}
