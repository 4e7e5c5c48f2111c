/**
 * The renderer bundle evaluates no strings as code and loads nothing from outside the app: checked on the
 * built files, and on every request a real page load makes.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { serve, type Served } from './serve.js';

const dist = path.resolve('dist/renderer');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

test('the built renderer contains no eval or new Function', () => {
  const scripts = files(dist).filter((f) => f.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(0);
  for (const f of scripts) {
    const code = fs.readFileSync(f, 'utf8');
    expect(code, f).not.toMatch(/\beval\s*\(/);
    expect(code, f).not.toMatch(/\bnew\s+Function\s*\(/);
    expect(code, f).not.toMatch(/\bFunction\s*\(\s*["'`]/);
  }
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']https?:/i);
});

let served: Served;
test.beforeAll(async () => {
  served = await serve();
});
test.afterAll(async () => {
  await served.stop();
});

test('a page load requests nothing but the app itself', async ({ page }) => {
  const origin = new URL(served.url).host;
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.host !== origin && u.protocol !== 'data:') foreign.push(r.url());
  });
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).host !== origin) foreign.push(ws.url());
  });
  await page.goto(served.operatorUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open');
  for (const nav of ['dashboard', 'miners', 'discovery', 'recommendations', 'activity', 'settings']) {
    await page.getByTestId(`nav-${nav}`).click();
    await expect(page.getByTestId(`page-${nav}`)).toBeVisible();
  }
  expect(foreign).toEqual([]);
});
