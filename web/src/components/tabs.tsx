import { Link, useLocation } from 'react-router-dom';

export interface Tab {
  to: string;
  label: string;
  note?: string;
  /** Whether the tab is the current one for a path; by default, the path equals `to`. */
  current?: (pathname: string) => boolean;
}

/** Tabs that are links, so each tab has its own address and works with the keyboard. */
export function Tabs({ tabs }: { tabs: Tab[] }) {
  const { pathname } = useLocation();
  return (
    <nav className="tabs" aria-label="Sections">
      {tabs.map((tab) => {
        const current = tab.current ? tab.current(pathname) : pathname === tab.to;
        return (
          <Link
            key={tab.to}
            to={tab.to}
            className={current ? 'active' : undefined}
            aria-current={current ? 'page' : undefined}
          >
            {tab.label}
            {tab.note && <span className="tab-note"> {tab.note}</span>}
          </Link>
        );
      })}
    </nav>
  );
}
