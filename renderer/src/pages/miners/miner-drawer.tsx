/**
 * The detail drawer for one miner: identity, figures, chains, pools and fans.
 *
 * When the miner is not live the drawer says so first and labels every figure as the last known one,
 * with when it was reported: a technician must never read an offline miner's old hashrate as current.
 */
import { useEffect, useRef } from 'react';
import type { MinerRecord } from '../../../../shared/miner.js';
import { FreshnessBadge, StateBadge } from '../../components/badges.js';
import {
  DASH,
  formatAge,
  formatClock,
  formatJth,
  formatNumber,
  formatTempC,
  formatThs,
  formatUptime,
  formatWatts,
} from '../../logic/format.js';
import { displayFreshness, lastSeenMs, type FreshnessContext } from '../../logic/freshness.js';
import { displayState } from '../../logic/miner-table.js';
import { createFreshnessContextSelector, selectSelectedMiner } from '../../store/selectors.js';
import { useAppStore, useAppStoreApi, useMemoSelector } from '../../store/store-context.js';
import { MinerHistory } from './miner-history.js';

export function MinerDrawer() {
  const record = useAppStore(selectSelectedMiner);
  const selectedId = useAppStore((s) => s.selectedMinerId);
  const ctx = useMemoSelector(createFreshnessContextSelector);
  const store = useAppStoreApi();
  const close = () => store.getState().selectMiner(null);
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    if (selectedId === null) return;
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') store.getState().selectMiner(null);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      // Back to the row the technician came from, when it is still on screen.
      document.querySelector<HTMLElement>(`tr[data-miner-id="${CSS.escape(selectedId)}"]`)?.focus();
    };
  }, [selectedId, store]);

  if (selectedId === null) return null;
  return (
    <aside
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drawer-title"
      tabIndex={-1}
      ref={ref}
      data-testid="miner-drawer"
    >
      <div className="drawer-head">
        <h2 id="drawer-title" className="mono">
          {record?.address ?? selectedId}
        </h2>
        <button type="button" className="button subtle" onClick={close} aria-label="Close details">
          Close
        </button>
      </div>
      {record ? (
        <DrawerBody record={record} ctx={ctx} />
      ) : (
        <p className="muted">This miner was removed from the inventory.</p>
      )}
    </aside>
  );
}

function DrawerBody({ record, ctx }: { record: MinerRecord; ctx: FreshnessContext }) {
  const fr = displayFreshness(record, ctx);
  const snap = record.snapshot;
  const seen = lastSeenMs(record);
  const age = seen === null ? null : formatAge(ctx.nowMs - seen);
  const notLive = fr !== 'live';
  const figuresClass = notLive ? 'facts stale' : 'facts';

  return (
    <div className="drawer-body">
      <div className="drawer-badges">
        <StateBadge state={displayState(record, fr)} lastKnown={fr === 'stale'} />
        <FreshnessBadge freshness={fr} age={age} />
        {snap?.hostname ? <span className="muted">{snap.hostname}</span> : null}
      </div>

      {notLive ? (
        <div className={`callout tone-${fr === 'stale' ? 'warn' : 'muted'}`} role="note">
          {fr === 'never'
            ? 'Hashwatch has not received any data from this miner yet.'
            : `${fr === 'offline' ? 'Offline.' : 'Stale data.'} Last answer ${age ?? DASH} ago (${formatClock(record.lastSeenAt ?? snap?.polledAt, ctx.nowMs)}). The figures below are the last known, not live.`}
        </div>
      ) : null}
      {record.lastError ? (
        <div className="callout tone-bad" role="note">
          <strong>{record.lastError.code}</strong>: {record.lastError.message}
        </div>
      ) : null}

      <dl className="facts">
        <dt>Id</dt>
        <dd className="mono">{record.id}</dd>
        <dt>MAC</dt>
        <dd className="mono">{record.mac ?? DASH}</dd>
        <dt>Model</dt>
        <dd>
          {snap?.model ?? DASH}
          {snap?.modelCode ? <span className="muted"> ({snap.modelCode})</span> : null}
        </dd>
        <dt>Firmware</dt>
        <dd>{snap ? `${snap.firmware.name ?? ''} ${snap.firmware.version ?? ''}`.trim() || DASH : DASH}</dd>
        {Object.entries(record.labels).map(([k, v]) => (
          <LabelFact key={k} name={k} value={v} />
        ))}
      </dl>

      <MinerHistory minerId={record.id} address={record.address} />

      {snap ? (
        <>
          <h3>{notLive ? `Last known figures (${formatClock(snap.polledAt, ctx.nowMs)})` : 'Figures'}</h3>
          <dl className={figuresClass}>
            <dt>Hashrate</dt>
            <dd>
              {formatThs(snap.hashrateThs)} TH/s{' '}
              <span className="muted">
                avg {formatThs(snap.hashrateAvgThs)} · nominal {formatThs(snap.nominalThs)}
              </span>
            </dd>
            <dt>Power</dt>
            <dd>
              {formatWatts(snap.powerW)} W{' '}
              <span className="muted">· {formatJth(snap.efficiencyJth)} J/TH</span>
            </dd>
            <dt>Temperatures</dt>
            <dd>
              chip {formatTempC(snap.chipTempMaxC)} °C{' '}
              <span className="muted">· board {formatTempC(snap.pcbTempMaxC)} °C</span>
            </dd>
            <dt>Preset</dt>
            <dd>
              {snap.preset.running ?? DASH}
              {snap.preset.configured && snap.preset.configured !== snap.preset.running ? (
                <span className="muted"> (configured {snap.preset.configured})</span>
              ) : null}
              {snap.throttlePct !== null ? (
                <span className="muted"> · throttle {formatNumber(snap.throttlePct)} %</span>
              ) : null}
            </dd>
            <dt>Uptime</dt>
            <dd>{formatUptime(snap.uptimeS)}</dd>
            <dt>HW errors</dt>
            <dd>{formatNumber(snap.hwErrors)}</dd>
            {snap.stateDescription ? (
              <>
                <dt>State detail</dt>
                <dd>{snap.stateDescription}</dd>
              </>
            ) : null}
          </dl>

          <h3>Hash boards</h3>
          {snap.chains.length === 0 ? (
            <p className="muted">No boards reported.</p>
          ) : (
            <table className={`table compact${notLive ? ' stale' : ''}`} data-testid="drawer-chains">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">
                    TH/s
                  </th>
                  <th scope="col" className="num">
                    Nominal
                  </th>
                  <th scope="col" className="num">
                    W
                  </th>
                  <th scope="col" className="num">
                    MHz
                  </th>
                  <th scope="col" className="num">
                    mV
                  </th>
                  <th scope="col" className="num">
                    Chip °C
                  </th>
                  <th scope="col" className="num">
                    PCB °C
                  </th>
                  <th scope="col" className="num" title="Chips graded red / orange / grey">
                    Chips r/o/g
                  </th>
                </tr>
              </thead>
              <tbody>
                {snap.chains.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.id}</th>
                    <td>
                      <StateBadge state={c.state} />
                    </td>
                    <td className="num">{formatThs(c.hashrateThs)}</td>
                    <td className="num">{formatThs(c.nominalThs)}</td>
                    <td className="num">{formatWatts(c.powerW)}</td>
                    <td className="num">{formatNumber(c.frequencyMhz)}</td>
                    <td className="num">{formatNumber(c.voltageMv)}</td>
                    <td className="num">
                      {formatTempC(c.chipTempMaxC)}
                      {c.inletWaterC !== null ? (
                        <span className="muted" title="Water inlet / outlet °C">
                          {' '}
                          ({formatTempC(c.inletWaterC)}/{formatTempC(c.outletWaterC)})
                        </span>
                      ) : null}
                    </td>
                    <td className="num">{formatTempC(c.pcbTempMaxC)}</td>
                    <td className="num">
                      {c.chips ? `${c.chips.red}/${c.chips.orange}/${c.chips.grey}` : DASH}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h3>Pools</h3>
          {snap.pools.length === 0 ? (
            <p className="muted">No pools reported.</p>
          ) : (
            <table className={`table compact${notLive ? ' stale' : ''}`} data-testid="drawer-pools">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">URL</th>
                  <th scope="col">User</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Accepted
                  </th>
                  <th scope="col" className="num">
                    Rejected
                  </th>
                  <th scope="col" className="num">
                    Stale
                  </th>
                </tr>
              </thead>
              <tbody>
                {snap.pools.map((p, i) => (
                  <tr key={`${p.type}-${i}`}>
                    <td>{p.type}</td>
                    <td className="mono wrap">{p.url}</td>
                    <td className="mono wrap">{p.user}</td>
                    <td>
                      <span
                        className={`badge tone-${p.status === 'active' || p.status === 'working' ? 'ok' : p.status === 'rejecting' ? 'warn' : p.status === 'disabled' ? 'muted' : 'bad'}`}
                      >
                        {p.status}
                      </span>
                    </td>
                    <td className="num">{formatNumber(p.accepted)}</td>
                    <td className="num">{formatNumber(p.rejected)}</td>
                    <td className="num">{formatNumber(p.stale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h3>Fans</h3>
          {snap.fans.length === 0 ? (
            <p className="muted">No fans reported (hydro units have none).</p>
          ) : (
            <table className={`table compact${notLive ? ' stale' : ''}`} data-testid="drawer-fans">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col" className="num">
                    rpm
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {snap.fans.map((f, i) => (
                  <tr key={i}>
                    <th scope="row">{i + 1}</th>
                    <td className="num">{formatNumber(f.rpm)}</td>
                    <td>
                      {f.ok === null ? (
                        <span className="muted">not reported</span>
                      ) : (
                        <span className={`badge tone-${f.ok ? 'ok' : 'bad'}`}>{f.ok ? 'ok' : 'lost'}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </div>
  );
}

function LabelFact({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </>
  );
}
