/**
 * Settings › Polling and alerts: the poll interval and alert thresholds (`fleet.settings.get/set`),
 * with the core's validation messages beside the field they are about.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { FleetSettings } from '../../../../shared/api/fleet.js';
import type { AppError } from '../../../../shared/errors.js';
import { useApi } from '../../api/api-context.js';
import { ErrorMessage } from '../../components/error-message.js';
import { fieldErrors } from '../../logic/field-errors.js';
import {
  FIELD_PATHS,
  formFromSettings,
  settingsPatch,
  type FleetSettingsForm,
} from '../../logic/fleet-settings-form.js';
import { useAppStoreApi } from '../../store/store-context.js';

const FIELDS: ReadonlyArray<{
  key: keyof FleetSettingsForm;
  label: string;
  unit: string;
  help: string;
  testId?: string;
  share?: boolean;
}> = [
  {
    key: 'pollIntervalS',
    label: 'Poll interval',
    unit: 's',
    help: 'seconds between two reads of the same miner (5–600)',
    testId: 'poll-interval',
  },
  {
    key: 'hashrateMinPct',
    label: 'Low hashrate below',
    unit: '% of nominal',
    help: 'alert when a mining miner makes less than this (5–100 %)',
    share: true,
  },
  { key: 'chipTempMaxC', label: 'Chip temperature above', unit: '°C', help: '40–130 °C' },
  { key: 'boardTempMaxC', label: 'Board temperature above', unit: '°C', help: '30–120 °C' },
  {
    key: 'poolRejectMaxPct',
    label: 'Pool rejects above',
    unit: '% of shares',
    help: 'alert when more recent shares are rejected (0.1–100 %)',
    share: true,
  },
];

export function FleetSettingsSection() {
  const api = useApi();
  const store = useAppStoreApi();
  const [current, setCurrent] = useState<FleetSettings | null>(null);
  const [form, setForm] = useState<FleetSettingsForm | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [localErrors, setLocalErrors] = useState<Partial<Record<keyof FleetSettingsForm, string>>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!api) return;
    let live = true;
    void api.call('fleet.settings.get', {}).then((r) => {
      if (!live) return;
      if (r.ok) {
        setCurrent(r.value);
        setForm(formFromSettings(r.value));
      } else setLoadError(r.error);
    });
    return () => {
      live = false;
    };
  }, [api]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!api || !form || !current) return;
    setSaved(null);
    setError(null);
    const p = settingsPatch(form, current);
    if (!p.ok) {
      setLocalErrors(p.errors);
      return;
    }
    setLocalErrors({});
    if (!p.changed) {
      setSaved('Nothing changed.');
      return;
    }
    setBusy(true);
    const r = await api.call('fleet.settings.set', p.patch);
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setCurrent(r.value);
    setForm(formFromSettings(r.value));
    // Staleness follows the poll interval (two polls plus grace), as at start-up.
    store.getState().setStaleAfterMs(r.value.pollIntervalS * 2_000 + 5_000);
    setSaved('Saved.');
  };

  const fe = fieldErrors(error);
  return (
    <section className="panel" aria-labelledby="fleet-settings-title" data-testid="fleet-settings">
      <h2 id="fleet-settings-title">Polling and alerts</h2>
      <ErrorMessage error={loadError} />
      {!form ? (
        loadError ? null : (
          <p className="muted">{api ? 'Loading…' : 'Not connected.'}</p>
        )
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <div className="settings-grid">
            {FIELDS.map((f) => {
              const coreMsg = fe.byField[FIELD_PATHS[f.key]];
              const msg =
                localErrors[f.key] ??
                (coreMsg ? `${coreMsg}${f.share ? ' (as a fraction: 5 % is 0.05)' : ''}` : undefined);
              const id = `fs-${f.key}`;
              return (
                <div className="field" key={f.key}>
                  <label className="field-label" htmlFor={id}>
                    {f.label}
                  </label>
                  <span className="input-unit">
                    <input
                      id={id}
                      className={`input num${msg ? ' invalid' : ''}`}
                      inputMode="decimal"
                      data-testid={f.testId}
                      aria-invalid={msg ? true : undefined}
                      aria-describedby={`${id}-msg`}
                      value={form[f.key]}
                      onChange={(e) => setForm({ ...form, [f.key]: e.target.value })}
                    />
                    <span className="muted">{f.unit}</span>
                  </span>
                  <span
                    id={`${id}-msg`}
                    className={msg ? 'field-error' : 'field-help muted'}
                    data-testid={msg ? 'field-error' : undefined}
                  >
                    {msg ?? f.help}
                  </span>
                </div>
              );
            })}
          </div>
          <div className="form-actions">
            <button
              type="submit"
              className="button primary"
              data-testid="fleet-settings-save"
              disabled={busy}
            >
              {busy ? 'Saving…' : 'Save'}
            </button>
            {saved ? (
              <span className="tone-ok" role="status">
                {saved}
              </span>
            ) : null}
          </div>
          {error && Object.keys(fe.byField).length === 0 ? <ErrorMessage error={error} /> : null}
        </form>
      )}
    </section>
  );
}
