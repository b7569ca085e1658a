import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { DeviceAppState, StoreAppDetail } from '../api/types';
import { AppStatesTable } from '../components/app-states-table';
import { AssignmentEditor } from '../components/assignment-editor';
import { DeviceName } from '../components/device-name';
import { ErrorNotice } from '../components/error-notice';
import { PageTitle } from '../components/layout';
import { SectionTitle } from '../components/section-title';
import { StatusBadge } from '../components/status-badge';
import { useLoad } from '../use-load';
import { WindowsSoftwareTabs } from './software-page';

/** One Store app: what it is, who it is assigned to, and where each device stands with it. */
export function StoreAppPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const path = `/api/v1/store/apps/${encodeURIComponent(id)}`;
  const app = useLoad((signal) => api<StoreAppDetail>(path, { signal }), [id]);
  const states = useLoad(
    (signal) => api<{ items: DeviceAppState[] }>(`${path}/devices`, { signal }),
    [id],
    { refreshMs: 10_000 },
  );
  const [intent, setIntent] = useState<'install' | 'uninstall'>('install');
  const [context, setContext] = useState<'device' | 'user'>('device');
  const [error, setError] = useState<unknown>();

  const changed = () => {
    app.reload();
    states.reload();
  };

  const a = app.data;
  return (
    <>
      <PageTitle title={a ? a.name : 'Store app'}>
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (!window.confirm(`Remove ${a?.name ?? 'the app'} and all its assignments?`)) return;
            api(path, { method: 'DELETE' }).then(() => navigate('/software/windows'), setError);
          }}
        >
          Remove app
        </button>
      </PageTitle>
      <WindowsSoftwareTabs />
      <ErrorNotice error={app.error} action="Loading the app" />
      <ErrorNotice error={error} action="Removing the app" />
      {a && (
        <>
          <dl className="facts" data-testid="store-app-facts">
            <dt>Publisher</dt>
            <dd>{a.publisher}</dd>
            <dt>Store ID</dt>
            <dd>
              <code>{a.storeId}</code>
            </dd>
            <dt>Kind</dt>
            <dd>
              <StatusBadge state={a.kind} /> {a.appType} app
              {a.packageFamilyName ? `, package family ${a.packageFamilyName}` : ''}
            </dd>
            <dt>Delivery</dt>
            <dd>{a.reason ?? 'over Windows MDM (EnterpriseModernAppManagement StoreInstall)'}</dd>
            <dt>Market</dt>
            <dd>{a.market}</dd>
          </dl>
          <AssignmentEditor
            assignments={a.assignments}
            devicesPerRequest={1}
            extraFields={
              <>
                <label>
                  Intent
                  <select
                    value={intent}
                    onChange={(e) => setIntent(e.target.value as typeof intent)}
                  >
                    <option value="install">install</option>
                    <option value="uninstall">uninstall</option>
                  </select>
                </label>
                <label>
                  Context
                  <select
                    value={context}
                    onChange={(e) => setContext(e.target.value as typeof context)}
                  >
                    <option value="device">device</option>
                    <option value="user">user</option>
                  </select>
                </label>
              </>
            }
            assign={async (subjectKind, subjectIds) => {
              for (const subjectId of subjectIds) {
                await api(`${path}/assignments`, {
                  method: 'POST',
                  body: { subjectKind, subjectId, intent, context },
                });
              }
              changed();
            }}
            unassign={async (assignment) => {
              await api(`${path}/assignments/${encodeURIComponent(assignment.id)}`, {
                method: 'DELETE',
              });
              changed();
            }}
          />
          <section aria-labelledby="app-devices">
            <SectionTitle id="app-devices" title="Devices" onRefresh={states.reload} />
            <ErrorNotice error={states.error} action="Loading device states" />
            <AppStatesTable
              states={states.data?.items ?? []}
              firstHeading="Device"
              first={(s) => <DeviceName id={s.deviceId} />}
              testId="app-state-rows"
            />
            {states.data?.items.length === 0 && <p className="empty">Not on any device yet.</p>}
          </section>
        </>
      )}
    </>
  );
}
