/**
 * The fleet settings form: text fields to the `fleet.settings.set` input and back.
 *
 * Shares (hashrate floor, reject ceiling) are edited as percentages; the core stores fractions.
 * Range checks are left to the core so its messages are the ones shown beside the fields.
 */
import type { FleetSettings } from '../../../shared/api/fleet.js';
import type { MethodInput } from '../../../shared/contract.js';

/** The form's fields as typed. */
export interface FleetSettingsForm {
  pollIntervalS: string;
  hashrateMinPct: string;
  chipTempMaxC: string;
  boardTempMaxC: string;
  poolRejectMaxPct: string;
}

/** Maps a form field to the path the core reports validation issues on. */
export const FIELD_PATHS: Record<keyof FleetSettingsForm, string> = {
  pollIntervalS: 'pollIntervalS',
  hashrateMinPct: 'alerts.hashrateMinShare',
  chipTempMaxC: 'alerts.chipTempMaxC',
  boardTempMaxC: 'alerts.boardTempMaxC',
  poolRejectMaxPct: 'alerts.poolRejectMaxShare',
};

function trimNum(n: number): string {
  return String(Number(n.toPrecision(6)));
}

/** The form filled from the current settings. */
export function formFromSettings(s: FleetSettings): FleetSettingsForm {
  return {
    pollIntervalS: String(s.pollIntervalS),
    hashrateMinPct: trimNum(s.alerts.hashrateMinShare * 100),
    chipTempMaxC: trimNum(s.alerts.chipTempMaxC),
    boardTempMaxC: trimNum(s.alerts.boardTempMaxC),
    poolRejectMaxPct: trimNum(s.alerts.poolRejectMaxShare * 100),
  };
}

/**
 * The `fleet.settings.set` input for the fields that differ from `current`, or per-field messages for
 * text that is not a number at all.
 */
export function settingsPatch(
  form: FleetSettingsForm,
  current: FleetSettings,
):
  | { ok: true; patch: MethodInput<'fleet.settings.set'>; changed: boolean }
  | { ok: false; errors: Partial<Record<keyof FleetSettingsForm, string>> } {
  const errors: Partial<Record<keyof FleetSettingsForm, string>> = {};
  const num = (key: keyof FleetSettingsForm): number => {
    const t = form[key].trim();
    const n = t === '' ? NaN : Number(t);
    if (!Number.isFinite(n)) errors[key] = 'Enter a number';
    return n;
  };
  const poll = num('pollIntervalS');
  const hr = num('hashrateMinPct') / 100;
  const chip = num('chipTempMaxC');
  const board = num('boardTempMaxC');
  const rej = num('poolRejectMaxPct') / 100;
  if (Object.keys(errors).length) return { ok: false, errors };
  const patch: MethodInput<'fleet.settings.set'> = {};
  if (poll !== current.pollIntervalS) patch.pollIntervalS = poll;
  const alerts: NonNullable<MethodInput<'fleet.settings.set'>['alerts']> = {};
  const a = current.alerts;
  // Compare at the precision shown, so an untouched 80 % does not become 0.8000000000000002.
  const same = (x: number, y: number) => Math.abs(x - y) < 1e-9;
  if (!same(hr, a.hashrateMinShare)) alerts.hashrateMinShare = Number(hr.toPrecision(6));
  if (!same(chip, a.chipTempMaxC)) alerts.chipTempMaxC = chip;
  if (!same(board, a.boardTempMaxC)) alerts.boardTempMaxC = board;
  if (!same(rej, a.poolRejectMaxShare)) alerts.poolRejectMaxShare = Number(rej.toPrecision(6));
  if (Object.keys(alerts).length) patch.alerts = alerts;
  return { ok: true, patch, changed: Object.keys(patch).length > 0 };
}
