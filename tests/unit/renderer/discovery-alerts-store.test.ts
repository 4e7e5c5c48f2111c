/**
 * The discovery and alerts slices, fed the way bootstrap.ts feeds them: scan progress from events,
 * results loaded when the followed scan ends, alerts kept live from raised/cleared batches.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/api/alerts.js';
import type { ScanProgress, ScanResults } from '../../../shared/api/discovery.js';
import { startSync } from '../../../renderer/src/api/bootstrap.js';
import { cancelScan, startScan } from '../../../renderer/src/api/discovery-actions.js';
import { sortAlerts } from '../../../renderer/src/logic/alerts.js';
import { createAppStore } from '../../../renderer/src/store/create-store.js';
import { fakeApi, type FakeApi } from './fake-api.js';
import { settle } from './fakes.js';
import { iso, T0 } from './fixtures.js';

const deps = { now: () => T0, setInterval: () => 0, clearInterval: () => {} };

function progress(scanId: string, probed: number, total: number, found: number, done = false): ScanProgress {
  return { scanId, probed, total, found, done, summary: null };
}

function results(scanId: string, p: ScanProgress): ScanResults {
  return {
    scanId,
    state: 'done',
    startedAt: iso(T0),
    targets: ['10.0.0.0/30'],
    progress: p,
    summary: null,
    error: null,
    miners: [
      {
        managed: false,
        kind: 'braiins',
        address: '10.0.0.2',
        mac: null,
        model: 'S19',
        sources: ['scan'],
        detail: 'Braiins OS 23.03',
      },
    ],
  };
}

function alert(id: string, severity: Alert['severity'], raisedMs: number, address = '10.0.0.1'): Alert {
  return {
    id,
    minerId: `m-${id}`,
    address,
    kind: 'chip-temp',
    severity,
    message: `${address}: chip 95 °C over 90 °C`,
    value: 95,
    threshold: 90,
    raisedAt: iso(raisedMs),
    updatedAt: iso(raisedMs),
    clearedAt: null,
  };
}

function connected(api: FakeApi) {
  api.answer('app.info', () => ({ ok: false, error: { code: 'Unavailable', message: 'x' } }));
  api.answer('miners.list', () => ({ ok: true, value: { miners: [] } }));
  api.answer('fleet.settings.get', () => ({ ok: false, error: { code: 'Unavailable', message: 'x' } }));
  api.answer('discovery.list', () => ({ ok: true, value: { scans: [] } }));
}

describe('discovery flow', () => {
  it('follows a started scan through progress events and loads its results when it ends', async () => {
    const api = fakeApi();
    const store = createAppStore({ nowMs: T0 });
    connected(api);
    api.answer('discovery.scan', () => ({ ok: true, value: { scanId: 's1', total: 4 } }));
    const sync = startSync(api, store, deps);

    expect(await startScan(api, store, { targets: ['10.0.0.0/30'] })).toBe(true);
    expect(store.getState().scanProgress).toMatchObject({ scanId: 's1', probed: 0, total: 4, done: false });

    api.push('discovery.progress', progress('s1', 2, 4, 1));
    expect(store.getState().scanProgress).toMatchObject({ probed: 2, found: 1 });
    // An older event arriving late does not move the bar back.
    api.push('discovery.progress', progress('s1', 1, 4, 0));
    expect(store.getState().scanProgress?.probed).toBe(2);
    expect(api.calls.some((c) => c.method === 'discovery.results')).toBe(false);

    const final = progress('s1', 4, 4, 1, true);
    api.answer('discovery.results', () => ({ ok: true, value: results('s1', final) }));
    api.push('discovery.progress', final);
    await settle();
    expect(api.calls.filter((c) => c.method === 'discovery.results')).toEqual([
      { method: 'discovery.results', input: { scanId: 's1' } },
    ]);
    expect(store.getState().scanResults?.miners).toHaveLength(1);
    sync.stop();
  });

  it('shows a viewer’s Forbidden and does not follow anything', async () => {
    const api = fakeApi();
    const store = createAppStore({ nowMs: T0 });
    api.answer('discovery.scan', () => ({
      ok: false,
      error: {
        code: 'Forbidden',
        message: 'discovery.scan needs the operator role; this session is read-only',
      },
    }));
    expect(await startScan(api, store, { targets: ['10.0.0.1'] })).toBe(false);
    expect(store.getState().scanError?.code).toBe('Forbidden');
    expect(store.getState().scanStarting).toBe(false);
    expect(store.getState().scanProgress).toBeNull();
  });

  it('ignores another scan’s events while its own runs, and picks one up when idle', () => {
    const store = createAppStore({ nowMs: T0 });
    store.getState().followScan('mine', 100);
    expect(store.getState().applyScanProgress(progress('other', 50, 50, 3, true))).toBe(false);
    expect(store.getState().scanId).toBe('mine');
    store.getState().applyScanProgress(progress('mine', 100, 100, 0, true));
    store.getState().applyScanProgress(progress('cli-scan', 10, 200, 0));
    expect(store.getState().scanId).toBe('cli-scan');
    expect(store.getState().scanProgress?.probed).toBe(10);
  });

  it('after a reload, follows a scan that is still running', () => {
    const store = createAppStore({ nowMs: T0 });
    const { miners: _m, ...done } = results('old', progress('old', 4, 4, 1, true));
    const running = {
      ...done,
      scanId: 'run',
      state: 'running' as const,
      progress: progress('run', 40, 400, 2),
    };
    store.getState().setRecentScans([running, done]);
    expect(store.getState().scanId).toBe('run');
    expect(store.getState().scanProgress?.probed).toBe(40);
    store.getState().applyScanProgress(progress('run', 80, 400, 3));
    expect(store.getState().scanProgress?.probed).toBe(80);
    // Nothing running: nothing is followed.
    const idle = createAppStore({ nowMs: T0 });
    idle.getState().setRecentScans([done]);
    expect(idle.getState().scanId).toBeNull();
  });

  it('cancels the followed scan by id and shows a failed cancel', async () => {
    const api = fakeApi();
    const store = createAppStore({ nowMs: T0 });
    store.getState().followScan('s9', 10);
    api.answer('discovery.cancel', () => ({ ok: false, error: { code: 'NotFound', message: 'no scan s9' } }));
    await cancelScan(api, store);
    expect(api.calls).toEqual([{ method: 'discovery.cancel', input: { scanId: 's9' } }]);
    expect(store.getState().scanError?.message).toBe('no scan s9');
  });
});

describe('alerts', () => {
  it('loads the active list on connect, then follows raised and cleared batches', async () => {
    const api = fakeApi();
    const store = createAppStore({ nowMs: T0 });
    connected(api);
    api.answer('alerts.list', () => ({ ok: true, value: { alerts: [alert('a', 'warning', T0)] } }));
    const sync = startSync(api, store, deps);
    await sync.resync();
    expect([...store.getState().activeAlerts.keys()]).toEqual(['a']);

    api.push('alerts.raised', {
      at: iso(T0),
      alerts: [alert('b', 'critical', T0 + 1), alert('c', 'warning', T0 + 2)],
    });
    expect(store.getState().activeAlerts.size).toBe(3);
    api.push('alerts.cleared', {
      at: iso(T0),
      alerts: [{ ...alert('a', 'warning', T0), clearedAt: iso(T0 + 5) }],
    });
    expect([...store.getState().activeAlerts.keys()].sort()).toEqual(['b', 'c']);
    sync.stop();
    api.push('alerts.raised', { at: iso(T0), alerts: [alert('d', 'warning', T0)] });
    expect(store.getState().activeAlerts.size).toBe(2);
  });

  it('lists critical first, then the longest-lasting', () => {
    const order = sortAlerts([
      alert('w-new', 'warning', T0 + 10),
      alert('c-new', 'critical', T0 + 5),
      alert('w-old', 'warning', T0),
      alert('c-old', 'critical', T0 + 1),
    ]).map((a) => a.id);
    expect(order).toEqual(['c-old', 'c-new', 'w-old', 'w-new']);
  });
});
