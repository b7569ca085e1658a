import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Layout } from './components/layout';
import { DevicePage } from './pages/device-page';
import { DevicesPage } from './pages/devices-page';
import { GroupPage } from './pages/group-page';
import { GroupsPage } from './pages/groups-page';
import { ChocolateyPackagePage } from './pages/chocolatey-package-page';
import { ChocolateyPage } from './pages/chocolatey-page';
import { LoginPage } from './pages/login-page';
import { PoliciesPage } from './pages/policies-page';
import { NewPolicyPage, PolicyPage } from './pages/policy-page';
import { StoreAppsPage } from './pages/software-page';
import { StoreAppPage } from './pages/store-app-page';
import { StoreSearchPage } from './pages/store-search-page';
import { useSession } from './session';

/** Every page of the console; signed-out visitors see the sign-in form at any address. */
export function App() {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) {
    if (location.pathname !== '/login') {
      return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    }
    return <LoginPage />;
  }
  const from = (location.state as { from?: string } | null)?.from;
  return (
    <Routes>
      <Route path="/login" element={<Navigate to={from ?? '/devices'} replace />} />
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/devices" replace />} />
        <Route path="/devices" element={<DevicesPage />} />
        <Route path="/devices/:id" element={<DevicePage />} />
        <Route path="/groups" element={<GroupsPage />} />
        <Route path="/groups/:id" element={<GroupPage />} />
        <Route path="/software" element={<Navigate to="/software/windows" replace />} />
        <Route path="/software/windows" element={<StoreAppsPage />} />
        <Route path="/software/windows/store/new" element={<StoreSearchPage />} />
        <Route path="/software/windows/store/:id" element={<StoreAppPage />} />
        <Route path="/software/windows/chocolatey" element={<ChocolateyPage />} />
        <Route path="/software/windows/chocolatey/:id" element={<ChocolateyPackagePage />} />
        <Route path="/policies" element={<PoliciesPage />} />
        <Route path="/policies/new" element={<NewPolicyPage />} />
        <Route path="/policies/:id" element={<PolicyPage />} />
        <Route path="*" element={<p>There is no page at this address.</p>} />
      </Route>
    </Routes>
  );
}
