/**
 * `npm run demo:web` end to end: the headless host with the embedded demo farm. The browser must see the
 * farm discovered, polled and updating live, with the miner details a technician opens.
 */
import { expect, test } from '@playwright/test';
import { WebSocket } from 'undici';
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

/** Calls one contract method over the host's WebSocket, as the renderer does. */
async function call(served: Served, method: string, input: unknown): Promise<unknown> {
  const token = new URL(served.operatorUrl).searchParams.get('token');
  const ws = new WebSocket(`${served.url.replace('http', 'ws')}ws?token=${token}`);
  await new Promise((r) => ws.addEventListener('open', r));
  const reply = new Promise<unknown>((resolve) =>
    ws.addEventListener('message', (ev) => {
      const m = JSON.parse(String(ev.data));
      if (m.t === 'result' && m.id === 1) resolve(m.result);
    }),
  );
  ws.send(JSON.stringify({ t: 'call', id: 1, method, input }));
  const r = await reply;
  ws.close();
  return r;
}

test('a technician rescans part of the farm from the Discovery page and sees the progress and results', async ({
  page,
}) => {
  const listed = (await call(served, 'miners.list', {})) as { value: { miners: Array<{ address: string }> } };
  const addresses = listed.value.miners.slice(0, 5).map((m) => m.address);
  expect(addresses).toHaveLength(5);
  await page.goto(served.operatorUrl);
  await page.getByTestId('nav-discovery').click();
  await page.getByTestId('scan-targets').fill(addresses.join('\n'));
  await page.getByTestId('scan-start').click();
  await expect(page.getByTestId('scan-progress')).toHaveAttribute('data-total', '5');
  await expect(page.getByTestId('scan-progress')).toHaveAttribute('data-probed', '5', { timeout: 30_000 });
  await expect(page.getByTestId('scan-result-row')).toHaveCount(5, { timeout: 30_000 });
  await expect(page.getByTestId('scan-result-row').first()).toHaveAttribute('data-managed', 'true');
  await page.screenshot({ path: 'test-results/demo-discovery.png', fullPage: true });
});

test('the Activity page lists the alerts the farm raises', async ({ page }) => {
  test.setTimeout(200_000);
  await page.goto(served.operatorUrl);
  await page.getByTestId('nav-activity').click();
  await expect(page.getByTestId('page-activity')).toBeVisible();
  // The demo scenario breaks a fan at 90 s and a pool at 120 s: wait for the first alert to be raised.
  await expect(page.getByTestId('alert-row').first()).toBeVisible({ timeout: 150_000 });
  await page.screenshot({ path: 'test-results/demo-activity.png', fullPage: true });
});
