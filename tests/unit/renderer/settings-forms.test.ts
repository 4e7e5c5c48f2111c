/**
 * Settings forms: credential scopes as typed, the fleet settings patch, and core validation by field.
 */
import { describe, expect, it } from 'vitest';
import { defaultAlertThresholds } from '../../../shared/api/alerts.js';
import { parseScope, sortScopes } from '../../../renderer/src/logic/credential-scope.js';
import { errorText, fieldErrors } from '../../../renderer/src/logic/field-errors.js';
import { formFromSettings, settingsPatch } from '../../../renderer/src/logic/fleet-settings-form.js';
import { csvFileName } from '../../../renderer/src/logic/csv-download.js';

describe('credential scope', () => {
  it('accepts farm, CIDR ranges and MACs with or without the prefix', () => {
    expect(parseScope(' Farm ')).toEqual({ ok: true, scope: 'farm', kind: 'farm' });
    expect(parseScope('10.0.0.0/22')).toEqual({ ok: true, scope: 'range:10.0.0.0/22', kind: 'range' });
    expect(parseScope('range:10.0.4.0/24')).toMatchObject({ scope: 'range:10.0.4.0/24' });
    expect(parseScope('AA-BB-CC-DD-EE-FF')).toMatchObject({
      scope: 'miner:aa:bb:cc:dd:ee:ff',
      kind: 'miner',
    });
    expect(parseScope('aabbccddeeff')).toMatchObject({ scope: 'miner:aa:bb:cc:dd:ee:ff' });
  });

  it('rejects anything else with a message that says what a scope is', () => {
    for (const t of ['', '10.0.0.0', '10.0.0.300/24', '10.0.0.0/40', 'aa:bb:cc', 'rack 3']) {
      const r = parseScope(t);
      expect(r.ok, t).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/farm|range/);
    }
  });

  it('lists scopes in the order a password is chosen', () => {
    const s = sortScopes([
      { scope: 'farm', kind: 'farm' },
      { scope: 'range:10.0.0.0/16', kind: 'range' },
      { scope: 'miner:aa:bb:cc:dd:ee:ff', kind: 'miner' },
      { scope: 'range:10.0.4.0/24', kind: 'range' },
    ]).map((x) => x.scope);
    expect(s).toEqual(['miner:aa:bb:cc:dd:ee:ff', 'range:10.0.4.0/24', 'range:10.0.0.0/16', 'farm']);
  });
});

describe('fleet settings form', () => {
  const current = { pollIntervalS: 10, alerts: defaultAlertThresholds };

  it('shows shares as percentages and sends nothing when nothing changed', () => {
    const form = formFromSettings(current);
    expect(form).toMatchObject({ pollIntervalS: '10', hashrateMinPct: '80', poolRejectMaxPct: '5' });
    expect(settingsPatch(form, current)).toEqual({ ok: true, patch: {}, changed: false });
  });

  it('sends only the changed fields, percentages as fractions', () => {
    const form = { ...formFromSettings(current), pollIntervalS: '30', hashrateMinPct: '85' };
    expect(settingsPatch(form, current)).toEqual({
      ok: true,
      patch: { pollIntervalS: 30, alerts: { hashrateMinShare: 0.85 } },
      changed: true,
    });
  });

  it('flags text that is not a number beside its field', () => {
    const r = settingsPatch({ ...formFromSettings(current), chipTempMaxC: 'hot' }, current);
    expect(r).toEqual({ ok: false, errors: { chipTempMaxC: 'Enter a number' } });
  });

  it('places the core’s validation messages by field path', () => {
    const fe = fieldErrors({
      code: 'ValidationError',
      message: 'Invalid input for fleet.settings.set',
      details: [
        { path: 'pollIntervalS', message: 'Too small: expected number to be >=5' },
        { path: 'alerts.chipTempMaxC', message: 'Too big: expected number to be <=130' },
      ],
    });
    expect(fe.byField).toEqual({
      pollIntervalS: 'Too small: expected number to be >=5',
      'alerts.chipTempMaxC': 'Too big: expected number to be <=130',
    });
    expect(fieldErrors({ code: 'Timeout', message: 'timed out' })).toEqual({
      byField: {},
      general: 'timed out',
    });
  });

  it('tells a viewer what to do about Forbidden', () => {
    expect(errorText({ code: 'Forbidden', message: 'x needs the operator role' })).toMatch(/operator link/);
    expect(errorText({ code: 'Timeout', message: 'timed out' })).toBe('timed out');
  });
});

describe('CSV file names', () => {
  it('are safe on every file system', () => {
    const name = csvFileName('[::1]:8080', Date.UTC(2026, 11, 3, 14, 25));
    expect(name).toMatch(/^hashwatch-1-8080-\d{8}-\d{4}\.csv$/);
    expect(csvFileName('10.0.0.5', 0)).toMatch(/^hashwatch-10\.0\.0\.5-/);
  });
});
