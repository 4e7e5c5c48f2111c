import { describe, expect, it } from 'vitest';
import { startAlertNotifications } from '../../../electron/main/notifications.js';
import { createEventBus } from '../../../electron/core/service/events.js';
import type { Alert } from '../../../shared/api/alerts.js';

const alert = (i: number): Alert => ({
  id: `m${i}|offline|1`,
  minerId: `m${i}`,
  address: `10.0.0.${i}`,
  kind: 'offline',
  severity: 'critical',
  message: `10.0.0.${i}: not answering`,
  value: null,
  threshold: null,
  raisedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  clearedAt: null,
});

describe('alert notifications (Electron shell side)', () => {
  it('shows a breaker trip pushed by the core as one grouped desktop notification', async () => {
    const bus = createEventBus();
    const shown: Array<{ title: string; body: string; urgency?: string }> = [];
    class FakeNotification {
      constructor(
        private readonly o: { title: string; body: string; urgency?: 'normal' | 'critical' | 'low' },
      ) {}
      show() {
        shown.push(this.o);
      }
    }
    const stop = startAlertNotifications({ Notification: FakeNotification, bus, groupWindowMs: 20 });
    bus.emit('alerts.raised', {
      at: '2026-01-01T00:00:00.000Z',
      alerts: Array.from({ length: 50 }, (_, i) => alert(i + 1)),
    });
    await new Promise((r) => setTimeout(r, 100));
    stop();
    expect(shown).toEqual([
      {
        title: 'Hashwatch: 50 miners: offline',
        body: '10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4, 10.0.0.5 and 45 more',
        urgency: 'critical',
      },
    ]);
  });

  it('does nothing where notifications are not supported', () => {
    const bus = createEventBus();
    let made = 0;
    class Unsupported {
      static isSupported = () => false;
      constructor() {
        made++;
      }
      show() {}
    }
    const stop = startAlertNotifications({ Notification: Unsupported, bus, groupWindowMs: 0 });
    bus.emit('alerts.raised', { at: '2026-01-01T00:00:00.000Z', alerts: [alert(1)] });
    stop();
    expect(made).toBe(0);
  });
});
