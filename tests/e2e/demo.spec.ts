/**
 * `npm run demo:web` end to end: the headless host with the embedded demo farm. The browser must see the
 * farm discovered, polled and updating live, with the miner details a technician opens.
 */
import { expect, test } from '@playwright/test';
import { serve, type Served } from './serve.js';

let served: Served;
test.beforeAll(async () => {
  served = await serve(['--demo']);
  expect(served.output()).toMatch(/demo farm: 100 simulated miners/);
});
test.afterAll(async () => {
  expect(await served.stop()).toBe(0);
});

test('the demo farm appears on the Miners page and updates live', async ({ page }) => {
  await page.goto(served.operatorUrl);
  await page.getByTestId('nav-miners').click();
  await expect(page.getByTestId('miners-count')).toContainText('100', { timeout: 30_000 });
  const firstRow = page.getByTestId('miner-row').first();
  await expect(firstRow).toBeVisible();
  await expect(firstRow).toContainText(/TH|\d/);
  await page.screenshot({ path: 'test-results/demo-miners.png' });

  // Live: the first row's data is re-polled without a reload.
  const before = await page.getByTestId('miners-table').innerText();
  await expect
    .poll(async () => (await page.getByTestId('miners-table').innerText()) !== before, { timeout: 30_000 })
    .toBe(true);

  await firstRow.click();
  await expect(page.getByTestId('miner-drawer')).toBeVisible();
  await expect(page.getByTestId('drawer-chains')).toBeVisible();
  await page.screenshot({ path: 'test-results/demo-miner-drawer.png' });

  await page.getByTestId('nav-dashboard').click();
  await expect(page.getByTestId('page-dashboard')).toContainText(/PH\/s|TH\/s/);
  await page.screenshot({ path: 'test-results/demo-dashboard.png' });
});
