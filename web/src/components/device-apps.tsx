import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { DeviceAppState, StoreApp } from '../api/types';
import { useLoad } from '../use-load';
import { AppStatesTable } from './app-states-table';
import { ErrorNotice } from './error-notice';
import { SectionTitle } from './section-title';

/** The Store apps assigned to a device and where it stands with each. */
export function DeviceApps({ deviceId }: { deviceId: string }) {
  const states = useLoad(
    (signal) =>
      api<{ items: DeviceAppState[] }>(
        `/api/v1/store/devices/${encodeURIComponent(deviceId)}/apps`,
        { signal },
      ),
    [deviceId],
    { refreshMs: 10_000 },
  );
  const apps = useLoad(
    (signal) => api<{ items: StoreApp[] }>('/api/v1/store/apps', { signal }),
    [],
  );
  const names = new Map(apps.data?.items.map((a) => [a.id, a.name]));
  const items = states.data?.items ?? [];
  return (
    <section aria-labelledby="apps">
      <SectionTitle id="apps" title="Store apps" onRefresh={states.reload} />
      <ErrorNotice error={states.error} action="Loading the device's apps" />
      <AppStatesTable
        states={items}
        firstHeading="App"
        first={(s) => (
          <Link to={`/software/windows/store/${s.appId}`}>{names.get(s.appId) ?? s.appId}</Link>
        )}
        testId="device-app-rows"
      />
      {!states.loading && items.length === 0 && !states.error && (
        <p className="empty">No Store app is assigned to this device.</p>
      )}
    </section>
  );
}
