/**
 * Server-side renders of the Discovery, Activity, Dashboard and Settings pages from store state:
 * the progress bar's figures, found-but-not-managed miners, a viewer's Forbidden, live alert rows, and
 * a password field that is never echoed.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.js';
import type { ScanResults } from '../../../shared/api/discovery.js';
import { App } from '../../../renderer/src/app.js';
import { createAppStore } from '../../../renderer/src/store/create-store.js';
import { StoreProvider } from '../../../renderer/src/store/store-context.js';
import { iso, snapshot, T0 } from './fixtures.js';

function app(setup: (store: ReturnType<typeof createAppStore>) => void) {
  const store = createAppStore({ nowMs: T0 });
  store.getState().setConnection({ status: 'open', transport: 'websocket' });
  setup(store);
  const rendered = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(
    <StoreProvider store={rendered}>
      <App />
    </StoreProvider>,
  );
}

const count = (html: string, needle: string) => html.split(needle).length - 1;

function scanResults(): ScanResults {
  const progress = { scanId: 's1', probed: 1024, total: 1024, found: 2, done: true, summary: null };
  return {
    scanId: 's1',
    state: 'done',
    startedAt: iso(T0),
    targets: ['10.0.0.0/22'],
    progress,
    summary: null,
    error: null,
    miners: [
      {
        managed: true,
        kind: 'vnish',
        address: '10.0.0.7',
        mac: '02:00:00:00:00:07',
        previousAddress: '10.0.0.3',
        sources: ['scan'],
        detail: 'Vnish 1.2.7 (GET /api/v1/info)',
        model: 'Antminer S19j Pro',
        firmwareVersion: '1.2.7',
        snapshot: snapshot({ address: '10.0.0.7', hashrateThs: 101.26 }),
        error: null,
      },
      {
        managed: false,
        kind: 'luxos',
        address: '10.0.0.9',
        mac: null,
        model: null,
        sources: ['scan'],
        detail: 'cgminer version: LUXminer 2024.5.1',
      },
    ],
  };
}

describe('Discovery page', () => {
  it('shows the real progress of the followed scan with its figures and a Cancel button', () => {
    const html = app((s) => {
      s.getState().setPage('discovery');
      s.getState().followScan('s1', 1024);
      s.getState().applyScanProgress({
        scanId: 's1',
        probed: 256,
        total: 1024,
        found: 3,
        done: false,
        summary: null,
      });
    });
    expect(html).toContain('data-testid="scan-progress"');
    expect(html).toContain('data-probed="256"');
    expect(html).toContain('data-total="1024"');
    expect(html).toContain('width:25%');
    expect(html).toContain('256 / 1,024 probed (25 %)');
    expect(html).toContain('data-testid="scan-cancel"');
    expect(html).toContain('data-testid="scan-targets"');
  });

  it('lists vnish miners as managed (with a move) and other firmwares as found, not managed', () => {
    const html = app((s) => {
      s.getState().setPage('discovery');
      s.getState().followScan('s1', 1024);
      s.getState().setScanResults(scanResults());
    });
    expect(count(html, 'data-testid="scan-result-row"')).toBe(2);
    expect(html).toContain('moved from 10.0.0.3');
    expect(html).toContain('101.3');
    expect(html).toContain('found, not managed');
    expect(html).toContain('LUXminer 2024.5.1');
    expect(html).not.toContain('data-testid="scan-cancel"');
  });

  it('tells a viewer clearly that scanning needs the operator role', () => {
    const html = app((s) => {
      s.getState().setPage('discovery');
      s.getState().setScanError({
        code: 'Forbidden',
        message: 'discovery.scan needs the operator role; this session is read-only',
      });
    });
    expect(html).toContain('data-code="Forbidden"');
    expect(html).toContain('needs the operator role');
    expect(html).toContain('operator link');
  });
});

function alert(id: string, severity: Alert['severity']): Alert {
  return {
    id,
    minerId: `m-${id}`,
    address: `10.0.0.${id.length}`,
    kind: 'fan-lost',
    severity,
    message: `miner ${id}: 1 of 4 fans lost`,
    value: 1,
    threshold: null,
    raisedAt: iso(T0 - 120_000),
    updatedAt: iso(T0),
    clearedAt: null,
  };
}

describe('Activity and Dashboard alerts', () => {
  it('lists active alerts with severity, miner, message and since', () => {
    const html = app((s) => {
      s.getState().setPage('activity');
      s.getState().replaceAlerts([alert('a', 'warning'), alert('bb', 'critical')]);
    });
    expect(count(html, 'data-testid="alert-row"')).toBe(2);
    expect(html.indexOf('data-severity="critical"')).toBeLessThan(html.indexOf('data-severity="warning"'));
    expect(html).toContain('miner bb: 1 of 4 fans lost');
    expect(html).toContain('2 min');
  });

  it('says so when nothing is active', () => {
    const html = app((s) => {
      s.getState().setPage('activity');
      s.getState().replaceAlerts([]);
    });
    expect(html).toContain('no active alerts');
    expect(html).not.toContain('data-testid="alert-row"');
  });

  it('counts active alerts on the dashboard', () => {
    const html = app((s) => s.getState().replaceAlerts([alert('a', 'warning'), alert('bb', 'critical')]));
    expect(html).toMatch(/data-testid="kpi-alerts"[^>]*data-count="2"/);
    expect(html).toContain('1 critical · 1 warning');
    expect(html).toContain('data-testid="fleet-charts"');
  });
});

describe('Settings credentials', () => {
  it('has a password field that is masked, not autocompleted, and empty', () => {
    const html = app((s) => s.getState().setPage('settings'));
    const field = /<input[^>]*data-testid="cred-password"[^>]*>/.exec(html)?.[0] ?? '';
    expect(field).toContain('type="password"');
    expect(field).toMatch(/autocomplete="off"/i);
    expect(field).toContain('value=""');
    expect(html).toContain('data-testid="cred-scope"');
    expect(html).toContain('data-testid="cred-save"');
    expect(html).toContain('factory password');
  });
});
