/**
 * Response bodies of the vnish web API, built from a miner's state for its firmware generation.
 *
 * Shapes follow ../shared/vnish-api/v1.2.7.openapi.json and v1.3.4.openapi.json, with the differences
 * real firmware shows (NOTES.md): 1.2.0 carries `system` in `/summary`, has no fan `status`/`max_rpm`,
 * no `algorithm`/`serial`/`build_*` in `/info`, and chains with `power_usage` only.
 */
import { topology } from './models.js';
import { hash32 } from './rng.js';
import { METRIC_MS, type SimMiner } from './miner.js';

const BUILD_TIME: Record<string, string> = {
  '1.2.0': '2023-04-18 11:02:51+00:00',
  '1.2.6': '2025-05-29 19:22:26+00:00',
  '1.3': '2025-10-02 08:41:10+00:00',
};

const r2 = (x: number): number => Math.round(x * 100) / 100;

function uptimeString(ms: number): string {
  const totalMin = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const mm = String(totalMin % 60).padStart(2, '0');
  return days > 0 ? `${days} days, ${h}:${mm}` : `${h}:${mm}`;
}

/** `system` block of `/info` (and of 1.2.0 `/summary`). */
export function systemInfo(m: SimMiner, now: number): Record<string, unknown> {
  const memTotal = m.model.series === 'x21' ? 479_232 : 233_712;
  const free = Math.round(memTotal * (0.6 + 0.1 * ((hash32(m.seed, 3) % 100) / 100)));
  const buf = Math.round(memTotal * 0.13);
  return {
    os: 'GNU/Linux',
    miner_name: m.model.code,
    file_system_version: '',
    mem_total: memTotal,
    mem_free: free,
    mem_free_percent: Math.round((free / memTotal) * 100),
    mem_buf: buf,
    mem_buf_percent: Math.round((buf / memTotal) * 100),
    network_status: {
      mac: m.mac.toUpperCase(),
      dhcp: m.network.dhcp,
      ip: m.host,
      netmask: m.network.netmask,
      gateway: m.network.gateway,
      dns: m.network.dnsservers,
      hostname: m.network.hostname,
    },
    uptime: uptimeString(now - m.bootMs),
  };
}

/** `GET /info`. */
export function info(m: SimMiner, now: number): Record<string, unknown> {
  const base: Record<string, unknown> = {
    miner: m.model.fullName,
    model: m.model.code,
    fw_name: 'Vnish',
    fw_version: m.firmware,
    platform: m.model.platform,
    install_type: 'nand',
    build_time: BUILD_TIME[m.gen],
  };
  if (m.gen !== '1.2.0') {
    base.build_uuid = m.buildUuid;
    base.build_name = 'vnishnet';
    base.algorithm = 'sha256d';
    base.serial = m.serial;
  }
  base.hr_measure = 'GH/s';
  base.system = systemInfo(m, now);
  return base;
}

/** `GET /model`. */
export function model(m: SimMiner): Record<string, unknown> {
  const md = m.model;
  const ov: Record<string, unknown> = { ...m.overclockLimits() };
  if (m.gen === '1.3') {
    ov.max_power_limit = Math.round(md.psuMaxW * 1.2);
    ov.power_metering = true;
  }
  return {
    full_name: md.fullName,
    model: md.code,
    algorithm: 'sha256d',
    series: md.series,
    platform: md.platform,
    install_type: 'nand',
    hr_measure: 'GH/s',
    serial: m.serial,
    chain: {
      chips_per_chain: md.chipsPerChain,
      chips_per_domain: md.chipsPerDomain,
      num_chains: md.chains,
      topology: topology(md),
    },
    cooling: {
      min_fan_pwm: 10,
      min_target_temp: 20,
      max_target_temp: 90,
      fan_min_count: { min: md.hydro ? 0 : 1, max: md.fans, default: md.hydro ? 0 : md.fans - 1 },
    },
    overclock: ov,
  };
}

function minerStatus(m: SimMiner): Record<string, unknown> {
  const s: Record<string, unknown> = {
    miner_state: m.state,
    miner_state_time: Math.max(0, Math.floor((m.t - m.stateSinceMs) / 1000)),
  };
  if (m.description !== null) s.description = m.description;
  if (m.failureCode !== null) s.failure_code = m.failureCode;
  if (m.gen === '1.3') s.throttled = m.throttlePct;
  return s;
}

/** `GET /status`. */
export function status(m: SimMiner, unlocked: boolean, now: number): Record<string, unknown> {
  const s = minerStatus(m);
  s.restart_required = m.restartRequired;
  s.reboot_required = m.rebootRequired;
  s.find_miner = m.findMiner;
  s.unlocked = unlocked;
  const lock = m.unlockTimeoutS(now);
  if (lock !== null) s.unlock_timeout = lock;
  s.warranty = 'active';
  return s;
}

function chainState(m: SimMiner, failed: boolean): string {
  if (failed) return 'failure';
  if (m.hashing()) return 'mining';
  if (m.state === 'initializing' || m.state === 'starting') return 'initializing';
  return 'stopped';
}

function poolStatus(m: SimMiner, i: number): string {
  const p = m.pools[i];
  if (!p) return 'unknown';
  if (p.fault === 'offline') return 'offline';
  if (i === m.activePool && m.hashing()) return p.fault === 'rejecting' ? 'rejecting' : 'active';
  return p.fault === 'rejecting' ? 'rejecting' : 'working';
}

function sinceString(t: number, last: number): string {
  if (last <= 0) return '0';
  const s = Math.max(0, Math.floor((t - last) / 1000));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** `GET /summary`. */
export function summary(m: SimMiner, now: number): Record<string, unknown> {
  const md = m.model;
  const gen = m.gen;
  const chains = m.chains.map((c, id) => {
    const ch: Record<string, unknown> = {
      id,
      frequency: r2(c.freqMhz),
      voltage: c.voltMv,
    };
    if (gen === '1.2.0') ch.power_usage = Math.round(c.powerW);
    else ch.power_consumption = Math.round(c.powerW);
    ch.hashrate_ideal = r2(c.idealGhs);
    ch.hashrate_rt = c.hrGhs;
    ch.hashrate_percentage = c.idealGhs > 0 ? r2((c.hrGhs / c.idealGhs) * 100) : 0;
    ch.hr_error = r2(c.errFrac * 100);
    ch.hw_errors = c.hwErrors;
    ch.pcb_temp = { min: m.pcbMinOf(c), max: m.pcbMaxOf(c) };
    ch.chip_temp = { min: m.chipMinOf(c), max: m.chipMaxOf(c) };
    ch.chip_statuses = c.failed
      ? { red: 0, orange: 0, grey: 0 }
      : { red: c.red, orange: c.orange, grey: md.chipsPerChain - c.red - c.orange };
    ch.status = c.failed ? { state: 'failure', description: c.failMsg } : { state: chainState(m, false) };
    if (md.hydro) {
      ch.inlet_water_temp = Math.round(c.waterInC);
      ch.outlet_water_temp = Math.round(c.waterOutC);
    }
    return ch;
  });
  const live = m.chains.filter((c) => !c.failed);
  const minOf = (f: (c: (typeof m.chains)[number]) => number): number =>
    live.length ? Math.min(...live.map(f)) : 0;
  const maxOf = (f: (c: (typeof m.chains)[number]) => number): number =>
    live.length ? Math.max(...live.map(f)) : 0;
  const hwErrors = m.chains.reduce((s, c) => s + c.hwErrors, 0);
  const accepted = m.pools.reduce((s, p) => s + p.accepted, 0);
  const power = Math.round(m.powerW);
  const ths = m.hrGhs / 1000;
  const pools = m.pools.map((p, id) => ({
    id,
    url: p.url,
    pool_type: 'UserPool',
    user: p.user,
    status: poolStatus(m, id),
    asic_boost: true,
    diff: '65.5K',
    accepted: p.accepted,
    rejected: p.rejected,
    stale: p.stale,
    ls_diff: p.accepted > 0 ? 65536 : 0,
    ls_time: sinceString(m.t, p.lastShareMs),
    diffa: p.diffa,
    ping: p.fault === 'offline' ? 0 : p.pingMs,
  }));
  pools.push({
    id: m.pools.length,
    url: 'DevFee',
    pool_type: 'DevFee',
    user: 'DevFee',
    status: m.hashing() ? 'working' : 'unknown',
    asic_boost: true,
    diff: '65.5K',
    accepted: m.devfee.accepted,
    rejected: 0,
    stale: 0,
    ls_diff: m.devfee.accepted > 0 ? 65536 : 0,
    ls_time: sinceString(m.t, m.devfee.lastShareMs),
    diffa: m.devfee.accepted * 65536,
    ping: 35,
  });
  const mode = m.settings.cooling.mode;
  const fans = m.fanRpm.map((rpm, id) => {
    if (gen === '1.2.0') return { id, rpm };
    return { id, rpm, status: m.fanDead[id] ? 'lost' : 'ok', max_rpm: md.maxFanRpm };
  });
  const miner: Record<string, unknown> = {
    miner_type: `${md.fullName} (${m.brand} ${m.firmware})`,
    miner_status: minerStatus(m),
    hr_stock: md.stockThs * 1000,
    average_hashrate: r2(m.hrAvgGhs / 1000),
    instant_hashrate: r2(ths),
    hr_realtime: m.hrGhs,
    hr_nominal: m.nominalGhs(),
    hr_average: r2(m.hrAvgGhs),
    pcb_temp: { min: minOf((c) => m.pcbMinOf(c)), max: maxOf((c) => m.pcbMaxOf(c)) },
    chip_temp: { min: minOf((c) => m.chipMinOf(c)), max: maxOf((c) => m.chipMaxOf(c)) },
    power_consumption: power,
    power_usage: power,
    // Unit changed across versions (NOTES.md): W per GH/s on 1.2.0, J/TH later.
    power_efficiency:
      ths > 0 ? (gen === '1.2.0' ? Math.round((power / m.hrGhs) * 10000) / 10000 : r2(power / ths)) : 0,
    hw_errors_percent: r2(accepted + hwErrors > 0 ? (hwErrors / (hwErrors + accepted * 64)) * 100 : 0),
    hr_error: r2((m.chains.reduce((s, c) => s + c.errFrac, 0) / Math.max(1, m.chains.length)) * 100),
    hw_errors: hwErrors,
    devfee_percent: 2.8,
    devfee: r2(m.hrGhs * 0.028),
    pools,
    cooling: {
      fan_num: md.fans,
      fans,
      settings: {
        mode: mode.name === 'immers' ? { name: 'immersion' } : { name: mode.name, param: mode.param },
      },
      fan_duty: m.fanDuty,
    },
    chains,
    found_blocks: m.foundBlocks,
    best_share: m.bestShare,
  };
  if (gen === '1.3') {
    miner.restart_count = m.restartCount;
    miner.psu = {
      psu_power_metering: true,
      temps: {
        llc1_temp: Math.round(m.inletC + 18),
        llc2_temp: Math.round(m.inletC + 17),
        pfc_temp: Math.round(m.inletC + 14),
      },
    };
  }
  const out: Record<string, unknown> = { miner };
  if (gen === '1.2.0') out.system = systemInfo(m, now);
  return out;
}

function presetItem(m: SimMiner, name: string): Record<string, unknown> {
  if (name === 'disabled')
    return { name: 'disabled', pretty: 'Disabled', status: 'untuned', modded_psu_required: false };
  const p = m.presetByName(name) ?? m.stockPreset();
  return {
    name: p.name,
    pretty: p.pretty,
    status: m.tunedPresets.has(p.name) ? 'tuned' : 'untuned',
    modded_psu_required: p.moddedPsuRequired,
  };
}

/** `GET /perf-summary`. */
export function perfSummary(m: SimMiner): Record<string, unknown> {
  const fv = m.presetFV();
  return {
    current_preset: {
      ...presetItem(m, m.runningPreset),
      globals: { freq: fv.freqMhz, volt: Math.round(fv.voltMv / 10) },
    },
    preset_switcher: { ...m.settings.overclock.preset_switcher },
  };
}

/** `GET /autotune/presets`: bare array, or `{presets}` for miners configured that way. */
export function presets(m: SimMiner): unknown {
  const md = m.model;
  const list: Record<string, unknown>[] = [presetItem(m, 'disabled')];
  for (const p of m.presets) {
    const item = presetItem(m, p.name);
    if (m.tunedPresets.has(p.name)) {
      const v = p.voltMv / md.stockVoltMv;
      const chains = m.chains.map((_, ci) => {
        const per = {
          freq: new Float32Array(md.chipsPerChain),
          hr: new Float32Array(md.chipsPerChain),
          err: new Float32Array(md.chipsPerChain),
          grade: new Uint8Array(md.chipsPerChain),
        };
        m.computeYield(ci, p.freqMhz, v, true, per);
        return { freq: p.freqMhz, chips: Array.from(per.freq, (f) => Math.round(f)) };
      });
      const settings: Record<string, unknown> = {
        freq: p.freqMhz,
        volt: p.voltMv,
        hashrate: Math.round(p.ths * 1000),
        modified: false,
        chains,
      };
      if (m.gen === '1.3') settings.date = '2025-11-02 10:00:00';
      item.tune_settings = settings;
    }
    list.push(item);
  }
  return m.presetsWrapped ? { presets: list } : list;
}

/** `ui.consts` of `/settings`. */
function consts(m: SimMiner): Record<string, unknown> {
  const mdl = model(m);
  return {
    cooling: mdl.cooling,
    overclock: mdl.overclock,
    timezones: [
      'GMT-11',
      'GMT-10',
      'GMT-9',
      'GMT-8',
      'GMT-7',
      'GMT-6',
      'GMT-5',
      'GMT-4',
      'GMT-3',
      'GMT-2',
      'GMT-1',
      'GMT',
      'GMT+1',
      'GMT+2',
      'GMT+3',
      'GMT+4',
      'GMT+5',
      'GMT+6',
      'GMT+7',
      'GMT+8',
      'GMT+9',
      'GMT+10',
      'GMT+11',
      'GMT+12',
    ].map((tz) => [tz, tz]),
  };
}

/** `GET /settings`. */
export function settings(m: SimMiner): Record<string, unknown> {
  const s = m.settings;
  const cooling: Record<string, unknown> = { ...s.cooling, mode: { ...s.cooling.mode } };
  if (m.gen === '1.3' && m.model.hydro) cooling.min_startup_water_temp = 10;
  return {
    miner: {
      cooling,
      misc: { ...s.misc },
      overclock: {
        ...s.overclock,
        globals: { ...s.overclock.globals },
        preset_switcher: { ...s.overclock.preset_switcher },
      },
      pools: s.pools.map((p) => ({ ...p })),
    },
    network: { ...m.network, dnsservers: [...m.network.dnsservers] },
    regional: { timezone: { ...m.regional.timezone } },
    ui: { ...m.ui, consts: consts(m) },
    layout: null,
  };
}

/** `GET /metrics?time_slice&step`: averages of one-minute samples per step, newest first. */
export function metrics(
  m: SimMiner,
  now: number,
  timeSliceS: number,
  stepS: number,
): Record<string, unknown> {
  const slice = Math.max(60, Math.min(3 * 86400, Math.floor(timeSliceS)));
  const step = Math.max(60, Math.floor(stepS / 60) * 60);
  const nowS = Math.floor(Math.min(now, m.t) / 1000);
  const fromS = nowS - slice;
  const ring = m.metrics;
  const buckets = new Map<
    number,
    { n: number; hr: number; power: number; chip: number; pcb: number; duty: number }
  >();
  for (let k = 0; k < ring.count; k++) {
    const i = ring.at(k);
    const ts = ring.timeS[i] as number;
    if (ts <= fromS || ts > nowS) continue;
    const b = Math.floor(ts / step) * step;
    let acc = buckets.get(b);
    if (!acc) {
      acc = { n: 0, hr: 0, power: 0, chip: 0, pcb: 0, duty: 0 };
      buckets.set(b, acc);
    }
    acc.n++;
    acc.hr += ring.hr[i] as number;
    acc.power += ring.power[i] as number;
    acc.chip += ring.chip[i] as number;
    acc.pcb += ring.pcb[i] as number;
    acc.duty += ring.duty[i] as number;
  }
  const out = [...buckets.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([time, a]) => ({
      time,
      data: {
        hashrate: r2(a.hr / a.n),
        pcb_max_temp: Math.round(a.pcb / a.n),
        chip_max_temp: Math.round(a.chip / a.n),
        fan_duty: Math.round(a.duty / a.n),
        power_consumption: Math.round(a.power / a.n),
      },
    }));
  const idKey = m.gen === '1.3' ? 'board_id' : 'chain_id';
  const annotations = m.annotations
    .filter((a) => a.timeS > fromS && a.timeS <= nowS)
    .reverse()
    .map((a) => ({
      time: a.timeS,
      data: a.chain === undefined ? { type: a.type } : { type: a.type, [idKey]: a.chain },
    }));
  return { timezone: m.regional.timezone.current, metrics: out, annotations };
}

/** Sample interval of `/metrics`, seconds. */
export const METRIC_STEP_S = METRIC_MS / 1000;

/** `GET /chains` (1.2.x) or `/boards` (1.3.x): per-chip detail. */
export function chainsDetail(m: SimMiner): unknown[] {
  const md = m.model;
  const fv = m.presetFV();
  const v = fv.voltMv / md.stockVoltMv;
  const tuned = fv.tuned || m.state === 'auto-tuning';
  const domainMv = Math.round(fv.voltMv / Math.max(1, md.chipsPerChain / md.chipsPerDomain));
  return m.chains.map((c, ci) => {
    const n = md.chipsPerChain;
    const per = {
      freq: new Float32Array(n),
      hr: new Float32Array(n),
      err: new Float32Array(n),
      grade: new Uint8Array(n),
    };
    m.computeYield(ci, Math.round(c.freqMhz || fv.freqMhz), v, tuned, per);
    const scale =
      c.hrGhs > 0
        ? c.hrGhs /
          Math.max(
            1e-9,
            per.hr.reduce((s, x) => s + x, 0),
          )
        : 0;
    const errSum = per.err.reduce((s, x) => s + x, 0) || 1;
    const lo = m.chipMinOf(c);
    const hi = m.chipMaxOf(c);
    const chips = c.failed
      ? []
      : Array.from({ length: n }, (_, i) => ({
          id: i,
          freq: Math.round(per.freq[i] as number),
          hr: r2((per.hr[i] as number) * scale),
          temp: lo + Math.round(((hash32(m.seed, ci, i, 0x7e) % 1000) / 1000) * (hi - lo)),
          errs: Math.floor((c.hwErrors * (per.err[i] as number)) / errSum),
          grade: (['grey', 'orange', 'red'] as const)[per.grade[i] as number],
          throttled: false,
          volt: domainMv,
        }));
    const sensors = [0, 1, 2, 3].map((loc) => ({
      board: ci,
      chip: Math.floor((loc * n) / 4),
      loc,
      state: c.failed ? 'error' : 'measure',
    }));
    const status: Record<string, unknown> = { state: chainState(m, c.failed) };
    if (c.failed) status.failure_message = c.failMsg;
    return {
      id: ci,
      freq: r2(c.freqMhz),
      hr_nominal: r2(c.idealGhs),
      hr_realtime: c.hrGhs,
      chips,
      sensors,
      status,
    };
  });
}

/** `GET /chains/factory-info`. */
export function factoryInfo(m: SimMiner): Record<string, unknown> {
  const md = m.model;
  return {
    hr_stock: md.stockThs * 1000,
    has_pics: true,
    psu_model: md.psuModel,
    psu_serial: `${md.psuModel.slice(0, 5)}${hash32(m.seed, 0x95) % 1e7}`,
    chains: m.chains.map((_, id) => ({
      id,
      board_model: md.boardModel,
      chip_bin: 1 + (hash32(m.seed, id, 0xb1) % 3),
      freq: md.stockFreqMhz,
      hashrate: r2((md.stockThs * 1000) / md.chains),
      serial: `${m.serial}${id}`,
      volt: md.stockVoltMv,
    })),
  };
}

const LOG_TYPES_12 = ['status', 'miner', 'autotune', 'system', 'messages', 'api'];
const LOG_TYPES_13 = [...LOG_TYPES_12, 'pool', 'hwscan'];

/** `GET /logs/{type}` as plain text, or null for an unknown type. */
export function logText(m: SimMiner, type: string): string | null {
  const types = m.gen === '1.3' ? LOG_TYPES_13 : LOG_TYPES_12;
  if (!types.includes(type)) return null;
  switch (type) {
    case 'status':
      return m.statusLog.join('\n') + '\n';
    case 'miner':
      return (
        [
          '[1970/01/01 00:00:09] INFO: Detected 256 Mb of RAM',
          '[1970/01/01 00:00:11] INFO: Initializing PSU',
          `[1970/01/01 00:00:13] INFO: PSU model: ${m.model.psuModel}`,
          ...m.fanRpm.map((_, i) => `[1970/01/01 00:00:14] INFO: fan#${i + 1} - ok`),
          ...m.chains.map((_, i) => `[1970/01/01 00:00:15] INFO: chain#${i + 1} - connected`),
          ...m.minerLog,
        ].join('\n') + '\n'
      );
    case 'autotune':
      return m.autotuneLog.join('\n') + (m.autotuneLog.length ? '\n' : '');
    case 'system':
      return 'Booting Linux on physical CPU 0x0\nLinux version 4.6.0-xilinx\nMemory: 200692K/245760K available\n';
    case 'messages':
      return 'Jan  1 00:00:02 buildroot syslog.info syslogd started: BusyBox v1.36.1\n';
    case 'pool':
      return (
        m.pools.map((p, i) => `pool#${i} ${p.url} accepted=${p.accepted} rejected=${p.rejected}`).join('\n') +
        '\n'
      );
    default:
      return '';
  }
}
