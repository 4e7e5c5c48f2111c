/**
 * The app frame: navigation, the current page, and the connection message over everything.
 */
import { ConnectionOverlay, ConnectionStatus } from './components/connection.js';
import { ActivityPage } from './pages/activity-page.js';
import { DashboardPage } from './pages/dashboard-page.js';
import { DiscoveryPage } from './pages/discovery/discovery-page.js';
import { MinersPage } from './pages/miners/miners-page.js';
import { hashForPage, PAGES, type PageId } from './pages/page-ids.js';
import { RecommendationsPage } from './pages/recommendations-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { useAppStore } from './store/store-context.js';

const PAGE_COMPONENTS: Record<PageId, () => React.JSX.Element> = {
  dashboard: DashboardPage,
  miners: MinersPage,
  discovery: DiscoveryPage,
  recommendations: RecommendationsPage,
  activity: ActivityPage,
  settings: SettingsPage,
};

function Nav() {
  const page = useAppStore((s) => s.page);
  return (
    <nav className="nav" aria-label="Main">
      <ul>
        {PAGES.map((p) => (
          <li key={p.id}>
            <a
              href={hashForPage(p.id)}
              data-testid={`nav-${p.id}`}
              aria-current={p.id === page ? 'page' : undefined}
              className="nav-link"
            >
              {p.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Brand() {
  const version = useAppStore((s) => s.appInfo?.version ?? null);
  const demo = useAppStore((s) => s.appInfo?.demo ?? false);
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true" />
      <span className="brand-name">Hashwatch</span>
      <span className="brand-meta">
        <span className="brand-version muted" data-testid="app-version" data-version={version ?? ''}>
          {version === null ? '' : `v${version}`}
        </span>
        {demo ? <span className="badge tone-info">demo farm</span> : null}
      </span>
    </div>
  );
}

export function App() {
  const page = useAppStore((s) => s.page);
  const Page = PAGE_COMPONENTS[page];
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <Brand />
        <Nav />
        <div className="sidebar-foot">
          <ConnectionStatus />
        </div>
      </aside>
      <main className="content" id="main" tabIndex={-1}>
        <Page />
      </main>
      <ConnectionOverlay />
    </div>
  );
}
