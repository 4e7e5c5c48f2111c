import { expect, test } from '@playwright/test';
import { serve, type Served } from './serve.js';

let served: Served;
test.beforeAll(async () => {
  served = await serve();
});
test.afterAll(async () => {
  const code = await served.stop();
  // Ctrl-C shuts the host down cleanly.
  expect(code).toBe(0);
  expect(served.output()).toContain('Stopped.');
});

test('a page load without the token is refused', async ({ page }) => {
  const response = await page.goto(served.url);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('access token');
});

test('the app loads with the token and shows the Miners page', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(served.operatorUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open');
  // The token is removed from the visible URL once read.
  expect(page.url()).not.toContain('token=');
  await page.getByTestId('nav-miners').click();
  await expect(page.getByTestId('page-miners')).toBeVisible();
  await expect(page.getByTestId('miners-table')).toBeVisible();
  await page.screenshot({ path: 'test-results/miners-page.png', fullPage: true });
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('app-version')).toBeVisible();
  await expect(page.getByTestId('keychain-status')).toBeVisible();
  await page.screenshot({ path: 'test-results/settings-page.png', fullPage: true });
  expect(errors).toEqual([]);
});
