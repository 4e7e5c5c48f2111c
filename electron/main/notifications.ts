/**
 * Desktop notifications for alerts: the thin shell side of `fleet/notify-policy.ts`.
 *
 * Subscribes to the core's `alerts.raised` / `alerts.cleared` batches, lets the policy decide what to
 * show (grouped, rate-limited) and shows it with the Notification class it is given (Electron's in the
 * app, a fake in tests). It owns the one timer that wakes the policy for held-back notices.
 */
import type { EventBus } from '../core/service/events.js';
import type { Clock } from '../core/clock.js';
import { createNotifyPolicy, type Notice, type NotifyPolicyOptions } from '../core/fleet/notify-policy.js';

/** The part of Electron's Notification this module uses. */
export interface NotificationLike {
  show(): void;
  on?(event: 'click', listener: () => void): unknown;
}

export type NotificationCtor = new (options: {
  title: string;
  body: string;
  silent?: boolean;
  urgency?: 'normal' | 'critical' | 'low';
}) => NotificationLike;

export interface AlertNotificationsOptions extends Partial<Omit<NotifyPolicyOptions, 'clock'>> {
  Notification: NotificationCtor & { isSupported?: () => boolean };
  bus: EventBus;
  clock?: Clock;
  /** Called when the technician clicks a notice (e.g. focus the window on the alert list). */
  onClick?: (notice: Notice) => void;
}

/** Starts showing alert notifications; returns a function that stops it. */
export function startAlertNotifications(opts: AlertNotificationsOptions): () => void {
  if (opts.Notification.isSupported && !opts.Notification.isSupported()) return () => {};
  const clock = opts.clock ?? { now: () => Date.now() };
  const policy = createNotifyPolicy({ ...opts, clock });
  let timer: ReturnType<typeof setTimeout> | null = null;

  const show = (notices: Notice[]) => {
    for (const n of notices) {
      const note = new opts.Notification({
        title: `Hashwatch: ${n.title}`,
        body: n.body,
        urgency: n.severity === 'critical' ? 'critical' : 'normal',
      });
      if (opts.onClick) note.on?.('click', () => opts.onClick!(n));
      note.show();
    }
  };

  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const at = policy.nextDueAt();
    if (at === null) return;
    timer = setTimeout(
      () => {
        timer = null;
        show(policy.due());
        arm();
      },
      Math.max(0, at - clock.now()),
    );
    timer.unref?.();
  };

  const offRaised = opts.bus.on('alerts.raised', (b) => {
    show(policy.offer(b.alerts));
    arm();
  });
  const offCleared = opts.bus.on('alerts.cleared', (b) => {
    show(policy.offer([], b.alerts));
    arm();
  });
  return () => {
    offRaised();
    offCleared();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
