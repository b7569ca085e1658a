import { NavLink } from 'react-router-dom';

/** Tabs that are links, so each tab has its own address and works with the keyboard. */
export function Tabs({ tabs }: { tabs: { to: string; label: string; note?: string }[] }) {
  return (
    <nav className="tabs" aria-label="Sections">
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end>
          {tab.label}
          {tab.note && <span className="tab-note"> {tab.note}</span>}
        </NavLink>
      ))}
    </nav>
  );
}
