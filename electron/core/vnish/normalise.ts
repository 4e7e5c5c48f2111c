/**
 * Pure normaliser from raw vnish responses to the product's `MinerSnapshot`.
 *
 * Everything vendor-shaped stops here: hashrates leave in TH/s whatever `hr_measure` said, power in W,
 * voltages in mV, temperatures in degC. Missing or non-finite data becomes null, never 0 or a guess,
 * and the only exception this module throws is `HashwatchError('BadResponse')` naming endpoint and field.
 */
import type { z } from 'zod';
import { HashwatchError } from '../../../shared/errors.js';
import { fastParse, UNSURE } from './fast-parse.js';
import {
  ChainStateSchema,
  efficiencyJth,
  MinerStateSchema,
  normaliseMac,
  type Chain,
  type ChainState,
  type Fan,
  type MinerSnapshot,
  type MinerState,
  type Pool,
} from '../../../shared/miner.js';
import {
  RawChainsSchema,
  RawInfoSchema,
  RawModelSchema,
  RawPerfSummarySchema,
  RawSettingsSchema,
  RawSummarySchema,
  toFiniteOrNull,
  type RawChains,
  type RawInfo,
  type RawModel,
  type RawSummary,
} from './schemas.js';

/** Vendor endpoint path as shown in errors (`/api/v1/summary`). */
export function endpointPath(endpoint: string): string {
  return endpoint.startsWith('/api/') ? endpoint : `/api/v1/${endpoint.replace(/^\//, '')}`;
}

/** Parses a JSON body; empty text is `null`; anything unparsable is `BadResponse` for that endpoint. */
export function parseJsonBody(endpoint: string, text: string, address?: string): unknown {
  // Not `trim()`: that copies a whole body every poll to learn that its first character is `{`.
  if (!/\S/.test(text)) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const path = endpointPath(endpoint);
    throw new HashwatchError(
      'BadResponse',
      `${path}${address ? ` from ${address}` : ''} did not answer valid JSON`,
      { address, endpoint: path, field: '(body)', sample: text.slice(0, 120) },
    );
  }
}

/**
 * Bodies already parsed, by the schema that parsed them: a schema's output parses to itself, so the hot
 * poll path (client read, then normaliser) validates each body once. A fresh body carries the schema
 * on a non-enumerable symbol (copies made by spreading do not inherit it, JSON never shows it); a
 * deeply frozen input cannot take one, and is looked up in a weak map with its parsed output instead.
 * Per-poll bodies stay out of the weak map on purpose: thousands of short-lived keys a second made its
 * table a visible share of a poll and of the collector's pauses.
 */
const PARSED = Symbol('hashwatch.vnish.parsed');
const parsedFrozen = new WeakMap<object, { schema: z.ZodType; out: unknown }>();

const parsedAs = (value: object): z.ZodType | undefined => (value as { [PARSED]?: z.ZodType })[PARSED];

/**
 * Records that `out` is the output of `schema` (the client does this for every body it returns), so
 * `parseRaw(schema, ..., out)` returns it as is. Callers must treat such bodies as read-only.
 */
export function markParsed<S extends z.ZodType>(schema: S, out: z.output<S>): z.output<S> {
  if (typeof out === 'object' && out !== null) {
    if (Object.isExtensible(out)) {
      if (parsedAs(out) !== schema) Object.defineProperty(out, PARSED, { value: schema, configurable: true });
    } else parsedFrozen.set(out, { schema, out });
  }
  return out;
}

/** Validates a raw body against a schema; a failure names the endpoint and the first bad field. */
export function parseRaw<S extends z.ZodType>(
  schema: S,
  endpoint: string,
  value: unknown,
  address?: string,
): z.output<S> {
  const isObject = typeof value === 'object' && value !== null;
  if (isObject) {
    if (parsedAs(value) === schema) return value as z.output<S>;
    const hit = Object.isExtensible(value) ? undefined : parsedFrozen.get(value);
    if (hit !== undefined && hit.schema === schema) return hit.out as z.output<S>;
  }
  const body = typeof value === 'string' ? parseJsonBody(endpoint, value, address) : value;
  // /summary and /perf-summary, every poll: a hand-rolled twin, zod only when it is unsure.
  const fast = fastParse(schema, body);
  if (fast !== UNSURE) return fast as z.output<S>;
  const r = schema.safeParse(body);
  if (r.success) {
    // Slow data the poller caches arrives deeply frozen, poll after poll: parse it once.
    if (isObject && Object.isFrozen(value)) parsedFrozen.set(value, { schema, out: r.data });
    return r.data;
  }
  const issue = r.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)';
  const path = endpointPath(endpoint);
  throw new HashwatchError(
    'BadResponse',
    `${path}${address ? ` from ${address}` : ''}: field ${field}: ${issue?.message ?? 'invalid'}`,
    { address, endpoint: path, field },
  );
}

/**
 * What the client does with a 2xx body's text: JSON, then the schema, then marked as parsed so the
 * normaliser does not validate it again. The body is fresh from JSON.parse and nobody else holds it,
 * so the per-poll twins may turn it into the output where it lies (no second copy per poll).
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  endpoint: string,
  text: string,
  address?: string,
): z.output<S> {
  const body = parseJsonBody(endpoint, text, address);
  const fast = fastParse(schema, body, true);
  return markParsed(
    schema,
    fast !== UNSURE ? (fast as z.output<S>) : parseRaw(schema, endpoint.replace(/\?.*$/, ''), body, address),
  );
}

/**
 * Seconds from busybox `uptime` text: `9 days,  3:58`, `1:00`, `45 min`, `1 day, 45 min`, or a full
 * `12:00:01 up 3 days, 2:01, load average: ...` line. Null when nothing recognisable is there.
 */
export function parseUptime(text: string): number | null {
  if (typeof text !== 'string') return null;
  let t = text.trim().toLowerCase();
  if (t === '') return null;
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return Number.isFinite(n) ? Math.floor(n) : null;
  }
  const up = /\bup\s+(.*)$/.exec(t);
  if (up?.[1] !== undefined) t = up[1];
  // Drop the users / load average tail of a full uptime line.
  t = t.replace(/,?\s*\d+\s+users?\b.*$/, '').replace(/,?\s*load average.*$/, '');
  let seconds = 0;
  let matched = false;
  const days = /(\d+)\s*days?\b/.exec(t);
  if (days?.[1] !== undefined) {
    seconds += Number(days[1]) * 86400;
    matched = true;
    t = t.slice(days.index + days[0].length);
  }
  const hm = /(\d+):(\d{2})(?::(\d{2}))?/.exec(t);
  if (hm?.[1] !== undefined && hm[2] !== undefined) {
    const m = Number(hm[2]);
    if (m >= 60) return null;
    seconds += Number(hm[1]) * 3600 + m * 60 + (hm[3] !== undefined ? Number(hm[3]) : 0);
    matched = true;
  } else {
    const hours = /(\d+)\s*(?:h|hours?)\b/.exec(t);
    if (hours?.[1] !== undefined) {
      seconds += Number(hours[1]) * 3600;
      matched = true;
    }
    const mins = /(\d+)\s*(?:min|mins|minutes?)\b/.exec(t);
    if (mins?.[1] !== undefined) {
      seconds += Number(mins[1]) * 60;
      matched = true;
    }
    const secs = /(\d+)\s*(?:s|sec|secs|seconds?)\b/.exec(t);
    if (secs?.[1] !== undefined) {
      seconds += Number(secs[1]);
      matched = true;
    }
  }
  return matched && Number.isFinite(seconds) ? seconds : null;
}

// The firmware's own states: every MinerState except the two Hashwatch adds (offline, unknown).
const MINER_STATES: ReadonlySet<string> = new Set(
  MinerStateSchema.options.filter((st) => st !== 'offline' && st !== 'unknown'),
);
const CHAIN_STATES: ReadonlySet<string> = new Set(ChainStateSchema.options);

function minerState(v: string | null | undefined): MinerState {
  const s = v?.trim().toLowerCase();
  return s && MINER_STATES.has(s) ? (s as MinerState) : 'unknown';
}

function chainState(v: string | null | undefined): ChainState {
  const s = v?.trim().toLowerCase();
  return s && CHAIN_STATES.has(s) ? (s as ChainState) : 'unknown';
}

/** Multiplier from the firmware's hashrate unit to TH/s; null when the unit is unknown (e.g. `N/A`). */
export function thsFactor(
  hrMeasure: string | null | undefined,
  algorithm: string | null | undefined,
): number | null {
  const m = hrMeasure?.trim().toLowerCase();
  if (m === 'gh/s') return 1e-3;
  if (m === 'mh/s') return 1e-6;
  if (m === 'th/s') return 1;
  if (m === 'kh/s') return 1e-9;
  if (m !== undefined && m !== '') return null;
  // Not stated (pre-1.2.6 /info): the vendor reports SHA-256 in GH/s and scrypt in MH/s.
  const a = algorithm?.trim().toLowerCase();
  if (a === 'scrypt') return 1e-6;
  if (a === undefined || a === '' || a === 'sha256d' || a === 'sha256') return 1e-3;
  return null;
}

/** A finite product, or null. Huge firmware numbers must not become Infinity downstream. */
function scaled(v: number | null | undefined, factor: number | null): number | null {
  if (v === null || v === undefined || factor === null) return null;
  const r = v * factor;
  return Number.isFinite(r) ? r + 0 : null;
}

const n = (v: number | null | undefined): number | null => (v === undefined ? null : toFiniteOrNull(v));
/**
 * Temperatures: vnish reports 0 for a sensor it cannot read (failed chain, stopped miner). No chip,
 * board or cooling water of a running farm is at 0 degC, so 0 is "no reading".
 */
const temp = (v: number | null | undefined): number | null => {
  const r = n(v);
  return r === 0 ? null : r;
};
const s = (v: string | null | undefined): string | null => {
  if (v === undefined || v === null) return null;
  const t = v.trim();
  return t === '' ? null : t;
};

function poolType(raw: string | null | undefined): Pool['type'] {
  const t = raw
    ?.trim()
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  if (t === 'devfee') return 'devfee';
  if (t === 'refund') return 'refund';
  // `UserPool`, or no pool_type at all on the oldest firmware: the pools the farm configured.
  return 'user';
}

function fanOk(status: string | null | undefined): boolean | null {
  const t = status?.trim().toLowerCase();
  if (t === 'ok') return true;
  if (t === 'lost' || t === 'failed' || t === 'fail' || t === 'error') return false;
  return null;
}

function gradesFromChips(chain: RawChains[number] | undefined): Chain['chips'] {
  const chips = chain?.chips;
  if (!chips || chips.length === 0) return null;
  const g = { red: 0, orange: 0, grey: 0 };
  for (const c of chips) {
    const grade = c.grade?.trim().toLowerCase();
    if (grade === 'red' || grade === 'orange' || grade === 'grey') g[grade] += 1;
  }
  return g;
}

export interface SnapshotParts {
  address: string;
  polledAt: Date | string;
  /** `/info` body (parsed JSON or raw text). */
  info?: unknown;
  /** `/model` body, used when `/info` lacks the model or the hashrate unit. */
  model?: unknown;
  /** `/summary` body: required. */
  summary: unknown;
  /** `/perf-summary` body: the running preset. */
  perfSummary?: unknown;
  /** `/settings` body: the configured preset. */
  settings?: unknown;
  /** `/chains` (1.2.x) or `/boards` (1.3.x) body: chip grades when `/summary` lacks them. */
  chains?: unknown;
}

function polledAtIso(v: Date | string): string {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    throw new HashwatchError('BadResponse', 'polledAt is not a valid time', { field: 'polledAt' });
  }
  return d.toISOString();
}

/** Builds one `MinerSnapshot` from the raw parts of a poll. Pure; throws only `BadResponse`. */
export function normaliseSnapshot(parts: SnapshotParts): MinerSnapshot {
  const address = parts.address;
  const polledAt = polledAtIso(parts.polledAt);
  const info: RawInfo | null =
    parts.info === undefined || parts.info === null
      ? null
      : parseRaw(RawInfoSchema, 'info', parts.info, address);
  const model: RawModel | null =
    parts.model === undefined || parts.model === null
      ? null
      : parseRaw(RawModelSchema, 'model', parts.model, address);
  const summary: RawSummary = parseRaw(RawSummarySchema, 'summary', parts.summary, address);
  const perf =
    parts.perfSummary === undefined || parts.perfSummary === null
      ? null
      : parseRaw(RawPerfSummarySchema, 'perf-summary', parts.perfSummary, address);
  const settings =
    parts.settings === undefined || parts.settings === null
      ? null
      : parseRaw(RawSettingsSchema, 'settings', parts.settings, address);
  const chainsDetail =
    parts.chains === undefined || parts.chains === null
      ? null
      : parseRaw(RawChainsSchema, 'chains', parts.chains, address);

  const m = summary.miner ?? null;
  const sys = info?.system ?? null;
  const legacySys = summary.system ?? null;

  const factor = thsFactor(info?.hr_measure ?? model?.hr_measure, info?.algorithm ?? model?.algorithm);

  const hashrateThs = scaled(m?.hr_realtime, factor) ?? n(m?.instant_hashrate);
  const hashrateAvgThs = scaled(m?.hr_average, factor) ?? n(m?.average_hashrate);
  const powerW = n(m?.power_consumption) ?? n(m?.power_usage);

  const fans: Fan[] = (m?.cooling?.fans ?? []).map((f) => ({ rpm: n(f.rpm), ok: fanOk(f.status) }));

  const detailById = new Map<number, RawChains[number]>();
  for (const c of chainsDetail ?? []) {
    const id = n(c.id);
    if (id !== null) detailById.set(id, c);
  }

  const chains: Chain[] = (m?.chains ?? []).map((c, i) => {
    const id = n(c.id) ?? i;
    const cs = c.chip_statuses;
    const red = n(cs?.red);
    const orange = n(cs?.orange);
    const grey = n(cs?.grey);
    const chips =
      red !== null && orange !== null && grey !== null
        ? { red, orange, grey }
        : gradesFromChips(detailById.get(id));
    return {
      id,
      state: chainState(c.status?.state ?? detailById.get(id)?.status?.state),
      hashrateThs: scaled(c.hashrate_rt, factor),
      nominalThs: scaled(c.hashrate_ideal, factor),
      powerW: n(c.power_consumption) ?? n(c.power_usage),
      frequencyMhz: n(c.frequency),
      voltageMv: n(c.voltage),
      chipTempMaxC: temp(c.chip_temp?.max),
      pcbTempMaxC: temp(c.pcb_temp?.max),
      chips,
      inletWaterC: temp(c.inlet_water_temp),
      outletWaterC: temp(c.outlet_water_temp),
    };
  });

  const pools: Pool[] = (m?.pools ?? []).map((p) => ({
    url: s(p.url) ?? '',
    user: p.user ?? '',
    status: s(p.status) ?? 'unknown',
    accepted: n(p.accepted),
    rejected: n(p.rejected),
    stale: n(p.stale),
    type: poolType(p.pool_type),
  }));

  const uptimeRaw = sys?.uptime ?? legacySys?.uptime;
  const uptimeS =
    typeof uptimeRaw === 'number'
      ? Number.isFinite(uptimeRaw) && uptimeRaw >= 0
        ? Math.floor(uptimeRaw) + 0
        : null
      : typeof uptimeRaw === 'string'
        ? parseUptime(uptimeRaw)
        : null;

  return {
    address,
    mac:
      normaliseMac(sys?.network_status?.mac ?? null) ??
      normaliseMac(legacySys?.network_status?.mac ?? legacySys?.mac ?? null),
    hostname:
      s(sys?.network_status?.hostname) ?? s(legacySys?.network_status?.hostname) ?? s(legacySys?.hostname),
    model: s(info?.miner) ?? s(model?.full_name) ?? s(m?.miner_type),
    modelCode: s(info?.model) ?? s(model?.model),
    firmware: { name: s(info?.fw_name), version: s(info?.fw_version) },
    state: minerState(m?.miner_status?.miner_state),
    stateDescription: s(m?.miner_status?.description),
    hashrateThs,
    hashrateAvgThs,
    nominalThs: scaled(m?.hr_nominal, factor),
    powerW,
    efficiencyJth: efficiencyJth(powerW, hashrateAvgThs) ?? efficiencyJth(powerW, hashrateThs),
    chipTempMaxC: temp(m?.chip_temp?.max),
    pcbTempMaxC: temp(m?.pcb_temp?.max),
    fans,
    chains,
    pools,
    preset: {
      running: s(perf?.current_preset?.name),
      configured: s(settings?.miner?.overclock?.preset),
    },
    throttlePct: n(m?.miner_status?.throttled),
    uptimeS,
    hwErrors: n(m?.hw_errors),
    polledAt,
  };
}
