/**
 * Settings › Credentials: miner web passwords in the OS keychain, by scope.
 *
 * Passwords only travel inward: the field is cleared after every submit and nothing the core returns
 * can carry one back. The factory-password toggle is off by default and explains its risk.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../../shared/contract.js';
import type { AppError } from '../../../../shared/errors.js';
import { useApi } from '../../api/api-context.js';
import { ErrorMessage } from '../../components/error-message.js';
import { parseScope, sortScopes } from '../../logic/credential-scope.js';
import { useAppStore } from '../../store/store-context.js';

type CredList = MethodOutput<'credentials.list'>;
type TestOutput = MethodOutput<'credentials.test'>;

const SCOPE_KIND_LABEL: Record<string, string> = {
  farm: 'every miner (fallback)',
  range: 'miners in this address range',
  miner: 'this miner only',
};

export function CredentialsSection() {
  const api = useApi();
  const [list, setList] = useState<CredList | null>(null);
  const [listError, setListError] = useState<AppError | null>(null);

  const reload = useCallback(async () => {
    if (!api) return;
    const r = await api.call('credentials.list', {});
    if (r.ok) {
      setList(r.value);
      setListError(null);
    } else setListError(r.error);
  }, [api]);
  useEffect(() => {
    void reload();
  }, [reload]);

  return (
    <section className="panel" aria-labelledby="cred-title" data-testid="credentials-section">
      <h2 id="cred-title">Miner passwords</h2>
      <p className="muted">
        Kept only in the OS keychain, by scope. For each miner Hashwatch uses its own password first, then the
        narrowest range that contains its address, then the farm password.
      </p>
      {list ? (
        <p data-testid="cred-keychain" data-available={String(list.keychain.available)}>
          Keychain:{' '}
          <span className={`badge tone-${list.keychain.available ? 'ok' : 'bad'}`}>
            {list.keychain.available ? 'available' : 'unavailable'}
          </span>{' '}
          <span className="muted">{list.keychain.message}</span>
        </p>
      ) : null}
      <ErrorMessage error={listError} />
      <ScopeTable list={list} onChanged={reload} />
      <SetPasswordForm onSaved={reload} disabled={!api || (list !== null && !list.keychain.available)} />
      <TestForm />
      <FactoryToggle />
    </section>
  );
}

function ScopeTable({ list, onChanged }: { list: CredList | null; onChanged: () => Promise<void> }) {
  const api = useApi();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, AppError>>({});
  if (!list) return <p className="muted">{api ? 'Loading…' : 'Not connected.'}</p>;
  if (list.scopes.length === 0)
    return (
      <p className="muted" data-testid="cred-empty">
        No password stored yet: miners that ask for one cannot be read.
      </p>
    );
  const remove = async (scope: string) => {
    if (!api) return;
    setConfirming(null);
    const r = await api.call('credentials.delete', { scope });
    if (!r.ok) setErrors((e) => ({ ...e, [scope]: r.error }));
    else {
      setErrors(({ [scope]: _gone, ...rest }) => rest);
      await onChanged();
    }
  };
  return (
    <table className="table compact cred-table">
      <thead>
        <tr>
          <th scope="col">Scope</th>
          <th scope="col">Applies to</th>
          <th scope="col">Password</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {sortScopes(list.scopes).map((s) => (
          <tr key={s.scope} data-testid="cred-row" data-scope={s.scope}>
            <td className="mono">{s.scope}</td>
            <td>{SCOPE_KIND_LABEL[s.kind] ?? s.kind}</td>
            <td className="muted">stored (never shown)</td>
            <td className="actions">
              {confirming === s.scope ? (
                <>
                  <button type="button" className="button danger" onClick={() => void remove(s.scope)}>
                    Confirm delete
                  </button>{' '}
                  <button type="button" className="button subtle" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  className="button subtle"
                  data-testid="cred-delete"
                  disabled={!api}
                  onClick={() => setConfirming(s.scope)}
                >
                  Delete
                </button>
              )}
              <ErrorMessage error={errors[s.scope] ?? null} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SetPasswordForm({ onSaved, disabled }: { onSaved: () => Promise<void>; disabled: boolean }) {
  const api = useApi();
  const [scopeText, setScopeText] = useState('');
  const [password, setPassword] = useState('');
  const [scopeError, setScopeError] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const parsed = scopeText.trim() ? parseScope(scopeText) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!api) return;
    setSaved(null);
    setError(null);
    const p = parseScope(scopeText);
    if (!p.ok) {
      setScopeError(p.message);
      return;
    }
    setScopeError(null);
    const secret = password;
    // The password leaves the form now, whatever the answer.
    setPassword('');
    if (!secret) {
      setError({ code: 'ValidationError', message: 'Type the password to store' });
      return;
    }
    setBusy(true);
    const r = await api.call('credentials.set', { scope: p.scope, password: secret });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setSaved(`Saved for ${r.value.scope}.`);
    setScopeText('');
    await onSaved();
  };

  return (
    <form className="form cred-form" onSubmit={(e) => void submit(e)} autoComplete="off" noValidate>
      <h3>Add or replace a password</h3>
      <div className="field-row">
        <label className="field">
          <span className="field-label">Scope</span>
          <input
            className="input mono"
            data-testid="cred-scope"
            value={scopeText}
            onChange={(e) => {
              setScopeText(e.target.value);
              setScopeError(null);
            }}
            placeholder="farm · 10.0.0.0/22 · aa:bb:cc:dd:ee:ff"
            autoComplete="off"
            spellCheck={false}
          />
          <span className="field-help muted">
            {scopeError ? (
              <span className="tone-bad">{scopeError}</span>
            ) : parsed?.ok ? (
              <>
                stored as <code>{parsed.scope}</code>
              </>
            ) : (
              'farm, a CIDR range, or a miner MAC'
            )}
          </span>
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            className="input"
            type="password"
            data-testid="cred-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <span className="field-help muted">replaces any password stored for this scope</span>
        </label>
        <div className="field field-submit">
          <button
            type="submit"
            className="button primary"
            data-testid="cred-save"
            disabled={disabled || busy}
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
      <ErrorMessage error={error} testId="cred-error" />
      {saved ? (
        <p className="tone-ok" role="status" data-testid="cred-saved">
          {saved}
        </p>
      ) : null}
    </form>
  );
}

const TEST_TONE: Record<TestOutput['result'], string> = {
  ok: 'ok',
  wrong: 'bad',
  unreachable: 'warn',
  'no-password': 'warn',
};

function TestForm() {
  const api = useApi();
  const minersById = useAppStore((s) => s.minersById);
  const [target, setTarget] = useState('');
  const [result, setResult] = useState<TestOutput | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!api) return;
    const t = target.trim();
    if (!t) {
      setError({ code: 'ValidationError', message: 'Give a miner address (host[:port]) or its MAC' });
      return;
    }
    setBusy(true);
    setResult(null);
    setError(null);
    // A known miner id (its MAC) is tested as that miner; anything else as an address.
    const r = await api.call(
      'credentials.test',
      minersById.has(t) || minersById.has(t.toLowerCase())
        ? { minerId: minersById.has(t) ? t : t.toLowerCase() }
        : { address: t },
    );
    setBusy(false);
    if (r.ok) setResult(r.value);
    else setError(r.error);
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Test against a miner</h3>
      <div className="field-row">
        <label className="field">
          <span className="field-label">Miner</span>
          <input
            className="input mono"
            data-testid="cred-test-target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="10.0.0.5 or 10.0.0.5:8080 or its MAC"
            spellCheck={false}
          />
          <span className="field-help muted">unlocks the miner with the password its scope selects</span>
        </label>
        <div className="field field-submit">
          <button type="submit" className="button" data-testid="cred-test" disabled={!api || busy}>
            {busy ? 'Testing…' : 'Test'}
          </button>
        </div>
      </div>
      <ErrorMessage error={error} />
      {result ? (
        <p role="status" data-testid="cred-test-result" data-result={result.result}>
          <span className={`badge tone-${TEST_TONE[result.result]}`}>{result.result}</span>{' '}
          <span className="mono">{result.address}</span>
          {result.source ? <span className="muted"> · used {result.source}</span> : null} · {result.message}
        </p>
      ) : null}
    </form>
  );
}

function FactoryToggle() {
  const api = useApi();
  const [value, setValue] = useState<boolean | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!api) return;
    let live = true;
    void api.call('credentials.settings.get', {}).then((r) => {
      if (!live) return;
      if (r.ok) setValue(r.value.tryFactoryPassword);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [api]);
  const change = async (next: boolean) => {
    if (!api) return;
    setBusy(true);
    setError(null);
    // Shown at once; put back if the core refuses (e.g. a viewer session).
    setValue(next);
    const r = await api.call('credentials.settings.set', { tryFactoryPassword: next });
    setBusy(false);
    if (r.ok) setValue(r.value.tryFactoryPassword);
    else {
      setValue(!next);
      setError(r.error);
    }
  };
  return (
    <div className="form factory-toggle">
      <h3>Factory password</h3>
      <label className="check">
        <input
          type="checkbox"
          data-testid="cred-factory"
          checked={value ?? false}
          disabled={!api || value === null || busy}
          onChange={(e) => void change(e.target.checked)}
        />{' '}
        Try the factory password <code>admin</code> when no stored password fits
      </label>
      <p className="muted small">
        Off by default. When on, Hashwatch sends the well-known factory password to any miner without a stored
        one. A miner that accepts it is open to anyone on the network: change its password (and store the new
        one here) rather than relying on this.
      </p>
      <ErrorMessage error={error} />
    </div>
  );
}
