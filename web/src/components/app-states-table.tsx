import type { ReactNode } from 'react';
import type { DeviceAppState } from '../api/types';
import { StatusBadge } from './status-badge';

const PATH_NAMES = { mdm: 'Windows MDM', agent: 'Latch agent' };

/** Per-device states of apps: state, how it is delivered, version, error and its meaning. */
export function AppStatesTable({
  states,
  first,
  firstHeading,
  testId,
}: {
  states: DeviceAppState[];
  /** The first cell of a row: the device on an app's page, the app on a device's page. */
  first(state: DeviceAppState): ReactNode;
  firstHeading: string;
  testId: string;
}) {
  return (
    <table className="data">
      <thead>
        <tr>
          <th>{firstHeading}</th>
          <th>State</th>
          <th>Intent</th>
          <th>Through</th>
          <th>Version</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody data-testid={testId}>
        {states.map((s) => (
          <tr key={`${s.appId}:${s.deviceId}`}>
            <td>{first(s)}</td>
            <td>
              <StatusBadge state={s.state} />
            </td>
            <td>
              {s.intent} ({s.context})
            </td>
            <td>{s.path ? PATH_NAMES[s.path] : '—'}</td>
            <td>{s.version ?? '—'}</td>
            <td>
              {s.errorCode ? `${s.errorCode}: ${s.errorMeaning ?? 'unknown error'}` : ''}
              {s.errorCode && s.reason ? '; ' : ''}
              {s.reason ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
