/**
 * Persists the technician's view preferences (the Miners table's sort) across restarts.
 *
 * Only the sort is kept: filters and the open drawer are momentary, and a technician who comes back
 * to a filtered table would think miners had disappeared. Storage is passed in (localStorage in the
 * app, a map in tests), and anything unreadable is ignored rather than trusted.
 */
import { MINER_COLUMNS, type MinerSort } from '../logic/miner-table.js';
import type { AppStore } from './create-store.js';

/** localStorage key (versioned so a new shape does not read an old one). */
export const UI_PREFS_KEY = 'hashwatch.ui-prefs.v1';

/** The part of Storage used. */
export interface PrefsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What is persisted. */
export interface UiPrefs {
  minersSort: MinerSort;
}

/** Reads saved preferences; null when none are saved or they are not valid. */
export function readUiPrefs(storage: PrefsStorage | null): Partial<UiPrefs> {
  if (!storage) return {};
  try {
    const raw = JSON.parse(storage.getItem(UI_PREFS_KEY) ?? 'null') as {
      minersSort?: { key?: unknown; dir?: unknown };
    };
    const sort = raw?.minersSort;
    if (
      sort &&
      MINER_COLUMNS.some((c) => c.key === sort.key) &&
      (sort.dir === 'asc' || sort.dir === 'desc')
    ) {
      return { minersSort: { key: sort.key as MinerSort['key'], dir: sort.dir } };
    }
  } catch {
    // Unreadable preferences are ignored.
  }
  return {};
}

/** Applies saved preferences to the store and saves them again whenever they change. */
export function persistUiPrefs(store: AppStore, storage: PrefsStorage | null): () => void {
  const saved = readUiPrefs(storage);
  if (saved.minersSort) store.setState({ minersSort: saved.minersSort });
  if (!storage) return () => {};
  return store.subscribe((s, prev) => {
    if (s.minersSort === prev.minersSort) return;
    try {
      storage.setItem(UI_PREFS_KEY, JSON.stringify({ minersSort: s.minersSort } satisfies UiPrefs));
    } catch {
      // Storage full or disabled: the preference lasts for this session only.
    }
  });
}
