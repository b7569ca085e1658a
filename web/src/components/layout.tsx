import type { ReactNode } from 'react';
import { NavLink, Outlet } from 'react-router-dom';
import { useSession } from '../session';

const SECTIONS = [
  { to: '/devices', label: 'Devices' },
  { to: '/groups', label: 'Groups' },
  { to: '/software/windows', label: 'Software' },
  { to: '/policies', label: 'Policies' },
];

/** The frame of every signed-in page: the header with the admin, the sections, the page. */
export function Layout() {
  const { user, signOut } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Latch</span>
        <nav aria-label="Main">
          {SECTIONS.map((section) => (
            <NavLink key={section.to} to={section.to}>
              {section.label}
            </NavLink>
          ))}
        </nav>
        <span className="signed-in" data-testid="signed-in-user">
          Signed in as <strong>{user?.username}</strong>
        </span>
        <button type="button" className="link-button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

/** A page's title row with optional actions at the right. */
export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{title}</h1>
      {children && <div className="actions">{children}</div>}
    </div>
  );
}
