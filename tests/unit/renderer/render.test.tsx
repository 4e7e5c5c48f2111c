/**
 * Server-side renders of the pages that carry the product's display rules (no DOM needed): what a
 * technician sees for live, stale and offline miners, and the environment facts on Settings.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app.js';
import { MinerRow } from '../../../renderer/src/pages/miners/miner-row.js';
import { createAppStore } from '../../../renderer/src/store/create-store.js';
import { StoreProvider } from '../../../renderer/src/store/store-context.js';
import type { AppInfo } from '../../../shared/contract.js';
import type { MinerRecord } from '../../../shared/miner.js';
import { ctxAt, iso, miner, T0 } from './fixtures.js';

function row(record: MinerRecord, connected = true) {
  return renderToStaticMarkup(
    <table>
      <tbody>
        <MinerRow
          record={record}
          ctx={ctxAt(3_000, connected)}
          index={0}
          selected={false}
          onOpen={() => {}}
        />
      </tbody>
    </table>,
  );
}

describe('Miners table row', () => {
  it('shows a live miner’s figures with its id for tests and tools', () => {
    const html = row(miner(1, {}, { hashrateThs: 123.44, powerW: 3210 }));
    expect(html).toContain('data-testid="miner-row"');
    expect(html).toContain(`data-miner-id="${miner(1).id}"`);
    expect(html).toContain('data-freshness="live"');
    expect(html).toContain('123.4');
    expect(html).toContain('3,210');
    expect(html).not.toContain('(stale)');
  });

  it('never shows an offline miner’s old hashrate or power', () => {
    const html = row(
      miner(
        2,
        { freshness: 'offline', lastSeenAt: iso(T0 - 3_600_000) },
        { hashrateThs: 123.44, powerW: 3210 },
      ),
    );
    expect(html).toContain('data-freshness="offline"');
    expect(html).not.toContain('123.4');
    expect(html).not.toContain('3,210');
    expect(html).toContain('offline');
  });

  it('marks stale figures as stale', () => {
    const html = row(miner(3, { freshness: 'stale' }, { hashrateThs: 99.96 }));
    expect(html).toContain('data-freshness="stale"');
    expect(html).toContain('100.0');
    expect(html).toContain('(stale)');
  });

  it('marks every figure stale while the connection is down', () => {
    expect(row(miner(4), false)).toContain('data-freshness="stale"');
  });
});

const info: AppInfo = {
  name: 'Hashwatch',
  version: '1.2.3',
  platform: 'linux',
  arch: 'x64',
  dataDir: '/var/lib/hashwatch',
  host: 'headless',
  demo: false,
  tfBackend: { name: 'wasm', detail: 'SIMD' },
  keychain: { available: false, backend: 'keytar', message: 'Install and unlock gnome-keyring' },
};

function app(setup: (store: ReturnType<typeof createAppStore>) => void) {
  const store = createAppStore({ nowMs: T0 });
  setup(store);
  // A server render reads the store's initial state (useSyncExternalStore's server snapshot): hand it
  // the state as set up.
  const rendered = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(
    <StoreProvider store={rendered}>
      <App />
    </StoreProvider>,
  );
}

describe('app frame', () => {
  it('has the six navigation links, the current one marked for assistive technology', () => {
    const html = app((s) => s.getState().setPage('miners'));
    for (const p of ['dashboard', 'miners', 'discovery', 'recommendations', 'activity', 'settings']) {
      expect(html).toContain(`data-testid="nav-${p}"`);
    }
    expect(html).toMatch(
      /aria-current="page"[^>]*data-testid="nav-miners"|data-testid="nav-miners"[^>]*aria-current="page"/,
    );
    expect(html).toContain('data-testid="page-miners"');
    expect(html).toContain('data-testid="miners-table"');
  });

  it('Settings shows version, TF.js backend and the keychain problem prominently', () => {
    const html = app((s) => {
      s.getState().setConnection({ status: 'open', transport: 'websocket' });
      s.getState().setAppInfo(info);
      s.getState().setPage('settings');
    });
    expect(html).toContain('data-version="1.2.3"');
    const tf = /data-testid="tf-backend"[^>]*>(.*?)<\/dd>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '');
    expect(tf).toMatch(/TensorFlow\.js\s*wasm/);
    expect(html).toContain('data-testid="keychain-warning"');
    expect(html).toContain('Install and unlock gnome-keyring');
    expect(html).toContain('data-available="false"');
  });

  it('the pages not built yet say so', () => {
    for (const page of ['recommendations'] as const) {
      const html = app((s) => s.getState().setPage(page));
      expect(html).toContain(`data-testid="page-${page}"`);
      expect(html).toContain('is not built yet');
    }
  });

  it('a refused token is a full-page message, not a silent empty app', () => {
    const html = app((s) => s.getState().setConnection({ status: 'refused', transport: 'websocket' }));
    expect(html).toContain('data-testid="connection-overlay"');
    expect(html).toContain('Access refused');
    expect(html).toContain('data-status="refused"');
  });
});
