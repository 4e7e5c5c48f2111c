import { describe, expect, it } from 'vitest';
import indexHtml from '../../../renderer/index.html?raw';
import { hashForPage, pageFromHash, PAGES } from '../../../renderer/src/pages/page-ids.js';
import { startHashRouter, type RouterWindow } from '../../../renderer/src/router.js';
import { createAppStore } from '../../../renderer/src/store/create-store.js';
import { CONTENT_SECURITY_POLICY } from '../../../shared/csp.js';

function fakeWindow(hash: string): RouterWindow & { fire(): void } {
  const listeners = new Set<() => void>();
  const win = {
    location: { hash },
    history: { replaceState() {} },
    addEventListener: (_t: 'hashchange', fn: () => void) => void listeners.add(fn),
    removeEventListener: (_t: 'hashchange', fn: () => void) => void listeners.delete(fn),
    fire: () => listeners.forEach((l) => l()),
  };
  return win;
}

describe('navigation', () => {
  it('has the six pages in order', () => {
    expect(PAGES.map((p) => p.id)).toEqual([
      'dashboard',
      'miners',
      'discovery',
      'recommendations',
      'activity',
      'settings',
    ]);
  });

  it('maps hashes to pages, unknown ones to the dashboard', () => {
    expect(pageFromHash('#/miners')).toBe('miners');
    expect(pageFromHash('#settings')).toBe('settings');
    expect(pageFromHash('#/nope')).toBe('dashboard');
    expect(pageFromHash('')).toBe('dashboard');
    expect(hashForPage('activity')).toBe('#/activity');
  });

  it('follows the hash, and moves the hash when the app navigates', () => {
    const store = createAppStore();
    const win = fakeWindow('#/settings');
    const stop = startHashRouter(store, win);
    expect(store.getState().page).toBe('settings');
    win.location.hash = '#/miners';
    win.fire();
    expect(store.getState().page).toBe('miners');
    store.getState().setPage('discovery');
    expect(win.location.hash).toBe('#/discovery');
    stop();
    win.location.hash = '#/activity';
    win.fire();
    expect(store.getState().page).toBe('discovery');
  });
});

describe('index.html', () => {
  it('carries the app’s Content-Security-Policy (minus what a meta tag cannot express)', () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(indexHtml)?.[1];
    const expected = CONTENT_SECURITY_POLICY.split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ');
    expect(meta).toBe(expected);
  });

  it('loads nothing remote and runs no inline script', () => {
    expect(indexHtml).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(indexHtml).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
