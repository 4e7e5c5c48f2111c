/**
 * Discovery calls the page makes: start, cancel, and loading results and recent scans into the store.
 *
 * Kept outside React (like bootstrap.ts) so a scan finishing while the technician is on another page
 * still loads its results, and so the flow is unit-tested with a fake api.
 */
import type { HashwatchApi, MethodInput } from '../../../shared/contract.js';
import type { AppStore } from '../store/create-store.js';

/** Asks the core for a scan and follows it; the error (e.g. `Forbidden` for a viewer) goes to the store. */
export async function startScan(
  api: HashwatchApi,
  store: AppStore,
  input: MethodInput<'discovery.scan'>,
): Promise<boolean> {
  const s = store.getState();
  s.setScanError(null);
  s.setScanStarting(true);
  const r = await api.call('discovery.scan', input);
  if (!r.ok) {
    store.getState().setScanError(r.error);
    return false;
  }
  store.getState().followScan(r.value.scanId, r.value.total);
  void loadRecentScans(api, store);
  return true;
}

/** Cancels the followed scan; the final progress event (done, cancelled) then loads the results. */
export async function cancelScan(api: HashwatchApi, store: AppStore): Promise<void> {
  const scanId = store.getState().scanId;
  if (scanId === null) return;
  const r = await api.call('discovery.cancel', { scanId });
  if (!r.ok) store.getState().setScanError(r.error);
}

/** Loads one scan's results (found miners) into the store. */
export async function loadScanResults(api: HashwatchApi, store: AppStore, scanId: string): Promise<void> {
  const r = await api.call('discovery.results', { scanId });
  if (r.ok) store.getState().setScanResults(r.value);
  else if (store.getState().scanId === scanId) store.getState().setScanResultsError(r.error);
}

/** Loads the recent scans list. */
export async function loadRecentScans(api: HashwatchApi, store: AppStore): Promise<void> {
  const r = await api.call('discovery.list', {});
  if (r.ok) store.getState().setRecentScans(r.value.scans);
  else store.getState().setRecentScansError(r.error);
}

/** Shows an earlier scan: follows its id and loads its results. */
export async function showScan(api: HashwatchApi, store: AppStore, scanId: string): Promise<void> {
  const entry = store.getState().recentScans?.find((e) => e.scanId === scanId);
  store.setState({
    scanId,
    scanProgress: entry?.progress ?? null,
    scanResults: null,
    scanResultsError: null,
    scanError: null,
  });
  await loadScanResults(api, store, scanId);
}
