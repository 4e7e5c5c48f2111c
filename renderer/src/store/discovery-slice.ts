/**
 * Discovery slice: the scan this window follows, its live progress, its results and recent scans.
 *
 * Progress enters from the `discovery.progress` event (api/bootstrap.ts); a scan started elsewhere
 * (another window, the CLI) is followed too when none is being followed here, so the bar is real
 * for whoever looks at the page.
 */
import type { ScanProgress, ScanResults } from '../../../shared/api/discovery.js';
import type { AppError } from '../../../shared/errors.js';
import { laterProgress } from '../logic/progress.js';
import type { SliceCreator } from './types.js';

/** A recent scan as `discovery.list` returns it (no miner list). */
export type ScanListEntry = Omit<ScanResults, 'miners'>;

/** The discovery slice. */
export interface DiscoverySlice {
  /** The scan shown on the page (the last one started or seen running). */
  scanId: string | null;
  scanProgress: ScanProgress | null;
  /** True between asking for a scan and the core's answer. */
  scanStarting: boolean;
  /** Why the last scan, cancel or results call failed. */
  scanError: AppError | null;
  scanResults: ScanResults | null;
  scanResultsError: AppError | null;
  recentScans: ScanListEntry[] | null;
  recentScansError: AppError | null;
  setScanStarting(starting: boolean): void;
  /** A scan was started: follow it, forget the previous results. */
  followScan(scanId: string, total: number): void;
  /** Applies a progress event; returns true when it finished the followed scan (results due). */
  applyScanProgress(p: ScanProgress): boolean;
  setScanError(error: AppError | null): void;
  setScanResults(results: ScanResults): void;
  setScanResultsError(error: AppError): void;
  setRecentScans(scans: ScanListEntry[]): void;
  setRecentScansError(error: AppError): void;
}

/** Nothing followed until a scan starts or is seen. */
export const createDiscoverySlice: SliceCreator<DiscoverySlice> = (set, get) => ({
  scanId: null,
  scanProgress: null,
  scanStarting: false,
  scanError: null,
  scanResults: null,
  scanResultsError: null,
  recentScans: null,
  recentScansError: null,
  setScanStarting(starting) {
    set({ scanStarting: starting });
  },
  followScan(scanId, total) {
    set({
      scanId,
      scanStarting: false,
      scanError: null,
      scanResults: null,
      scanResultsError: null,
      scanProgress: { scanId, probed: 0, total, found: 0, done: false, summary: null },
    });
  },
  applyScanProgress(p) {
    const s = get();
    const followed = s.scanId;
    // Follow a scan started elsewhere only when nothing here is running.
    if (followed !== p.scanId) {
      const idle = followed === null || s.scanProgress === null || s.scanProgress.done;
      if (!idle) return false;
      set({ scanId: p.scanId, scanProgress: p, scanResults: null, scanResultsError: null });
      return p.done;
    }
    const prev = s.scanProgress?.scanId === p.scanId ? s.scanProgress : null;
    const next = laterProgress(prev, p);
    if (next !== prev) set({ scanProgress: next });
    return p.done && !(prev?.done ?? false);
  },
  setScanError(error) {
    set({ scanError: error, scanStarting: false });
  },
  setScanResults(results) {
    if (results.scanId !== get().scanId) return;
    // The results carry the final progress too (covers a missed final event).
    set({
      scanResults: results,
      scanResultsError: null,
      scanProgress: laterProgress(get().scanProgress, results.progress),
    });
  },
  setScanResultsError(error) {
    set({ scanResultsError: error });
  },
  setRecentScans(scans) {
    const running = get().scanId === null ? scans.find((e) => e.state === 'running') : undefined;
    // After a reload mid-scan, the running scan's bar comes back (its next events then move it).
    if (running)
      set({
        recentScans: scans,
        recentScansError: null,
        scanId: running.scanId,
        scanProgress: running.progress,
      });
    else set({ recentScans: scans, recentScansError: null });
  },
  setRecentScansError(error) {
    set({ recentScansError: error });
  },
});
