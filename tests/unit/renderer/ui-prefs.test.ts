import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/src/store/create-store.js';
import { persistUiPrefs, readUiPrefs, UI_PREFS_KEY } from '../../../renderer/src/store/ui-prefs.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('ui preferences', () => {
  it('remembers the Miners sort across restarts, not the filters', () => {
    const storage = memoryStorage();
    const first = createAppStore();
    persistUiPrefs(first, storage);
    first.getState().sortMinersBy('powerW');
    first.getState().setMinersFilter('s21');

    const second = createAppStore();
    persistUiPrefs(second, storage);
    expect(second.getState().minersSort).toEqual({ key: 'powerW', dir: 'desc' });
    expect(second.getState().minersFilter).toBe('');
  });

  it('ignores saved preferences it cannot trust', () => {
    expect(readUiPrefs(memoryStorage({ [UI_PREFS_KEY]: '{not json' }))).toEqual({});
    expect(
      readUiPrefs(memoryStorage({ [UI_PREFS_KEY]: '{"minersSort":{"key":"password","dir":"asc"}}' })),
    ).toEqual({});
    expect(
      readUiPrefs(memoryStorage({ [UI_PREFS_KEY]: '{"minersSort":{"key":"powerW","dir":"up"}}' })),
    ).toEqual({});
    expect(readUiPrefs(null)).toEqual({});
  });
});
