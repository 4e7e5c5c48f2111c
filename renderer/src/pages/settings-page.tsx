/**
 * Settings: polling and alert thresholds, miner passwords, and what this installation is and what it
 * can use on this machine (`app.info`).
 */
import { PageHeader } from '../components/page-header.js';
import { formatAge } from '../logic/format.js';
import { useAppStore } from '../store/store-context.js';
import { CredentialsSection } from './settings/credentials-section.js';
import { FleetSettingsSection } from './settings/fleet-settings-section.js';

export function SettingsPage() {
  const info = useAppStore((s) => s.appInfo);
  const error = useAppStore((s) => s.appInfoError);
  const connection = useAppStore((s) => s.connection);
  const staleAfterMs = useAppStore((s) => s.staleAfterMs);

  return (
    <div className="page" data-testid="page-settings">
      <PageHeader title="Settings" />
      {error ? (
        <div className="callout tone-bad" role="alert">
          Could not read this installation’s details: {error.message}
        </div>
      ) : null}
      {info && !info.keychain.available ? (
        <div className="callout tone-bad" role="alert" data-testid="keychain-warning">
          <strong>The OS keychain is not available.</strong> Hashwatch keeps miner passwords only in the
          keychain and never falls back to plain text, so miners that need a password cannot be managed until
          this is fixed.
          <p className="callout-detail">{info.keychain.message}</p>
        </div>
      ) : null}

      <FleetSettingsSection />
      <CredentialsSection />

      <section className="panel" aria-labelledby="install-title">
        <h2 id="install-title">This installation</h2>
        {info === null ? (
          <p className="muted">{error ? 'Unavailable.' : 'Loading…'}</p>
        ) : (
          <dl className="facts">
            <dt>Version</dt>
            <dd>
              {info.name} {info.version}
              {info.demo ? ' (demo farm)' : ''}
            </dd>
            <dt>Platform</dt>
            <dd>
              {info.platform} / {info.arch}
            </dd>
            <dt>Running as</dt>
            <dd>
              {info.host === 'electron'
                ? 'desktop app'
                : info.host === 'headless'
                  ? 'headless host'
                  : info.host}
            </dd>
            <dt>Data directory</dt>
            <dd>
              <code>{info.dataDir}</code>
            </dd>
            <dt>Model backend</dt>
            <dd data-testid="tf-backend" data-backend={info.tfBackend.name}>
              TensorFlow.js {info.tfBackend.name === 'none' ? 'unavailable' : info.tfBackend.name}
              {info.tfBackend.detail ? <span className="muted"> · {info.tfBackend.detail}</span> : null}
            </dd>
            <dt>Keychain</dt>
            <dd data-testid="keychain-status" data-available={String(info.keychain.available)}>
              <span className={`badge tone-${info.keychain.available ? 'ok' : 'bad'}`}>
                {info.keychain.available ? 'available' : 'unavailable'}
              </span>{' '}
              {info.keychain.backend}
              {info.keychain.available && info.keychain.message ? (
                <span className="muted"> · {info.keychain.message}</span>
              ) : null}
            </dd>
          </dl>
        )}
      </section>

      <section className="panel" aria-labelledby="conn-title">
        <h2 id="conn-title">Connection and display</h2>
        <dl className="facts">
          <dt>Connected through</dt>
          <dd>
            {connection.transport === 'ipc'
              ? 'the desktop app'
              : connection.transport === 'websocket'
                ? `WebSocket ${connection.endpoint ?? ''}`
                : 'nothing'}
          </dd>
          <dt>Stale after</dt>
          <dd>
            {formatAge(staleAfterMs)} without an answer: a miner’s last figures are then shown as stale, never
            as live
          </dd>
        </dl>
      </section>
    </div>
  );
}
