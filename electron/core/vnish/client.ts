/**
 * The one vnish client: typed methods for every `/api/v1` endpoint Hashwatch uses, token lifecycle,
 * firmware-generation switches (1.2.x `/chains` + `/find-miner`, 1.3.x `/boards` + `/locate-miner`),
 * and `snapshot()` for the poller.
 *
 * Auth rules (NOTES.md): unlock on demand and cache the token per miner in memory only; on 401 unlock
 * once and retry once; 403 is a wrong password and is never retried (the same password is not sent
 * again for a while, so Hashwatch never locks a miner out); 429 is honoured for `unlock_timeout`
 * seconds, during which no unlock is attempted at all.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { HashwatchError } from '../../../shared/errors.js';
import { normaliseMac, type MinerSnapshot } from '../../../shared/miner.js';
import { systemClock, type Clock } from '../clock.js';
import type { CredentialProvider } from '../credentials/provider.js';
import { cgminerCommand } from './cgminer.js';
import { normaliseCgminer } from './cgminer-normalise.js';
import { createTransport, type HttpResponse, type Transport } from './http.js';
import { endpointPath, normaliseSnapshot, parseBody, parseJsonBody, parseRaw } from './normalise.js';
import {
  RawAuthCheckSchema,
  RawChainsSchema,
  RawErrSchema,
  RawFactoryInfoSchema,
  RawInfoSchema,
  RawLocateSchema,
  RawMetricsSchema,
  RawModelSchema,
  RawPerfSummarySchema,
  RawPresetsSchema,
  RawRebootAfterSchema,
  RawSaveConfigResultSchema,
  RawSettingsSchema,
  RawStatusSchema,
  RawSummarySchema,
  RawUnlockSchema,
  type RawChains,
  type RawFactoryInfo,
  type RawInfo,
  type RawMetrics,
  type RawModel,
  type RawPerfSummary,
  type RawPreset,
  type RawSettings,
  type RawStatus,
  type RawSummary,
} from './schemas.js';

export interface VnishClientOptions {
  credentials: CredentialProvider;
  /** TCP connect timeout per request (ms); default 1500. */
  connectTimeoutMs?: number;
  /** Total time for one request, connect to last byte (ms); default 5000. */
  requestTimeoutMs?: number;
  /**
   * Keep-alive connections per miner; default 1. A miner's requests then queue on its one socket,
   * which is what its web server handles best, and a farm of 10,000 miners holds 10,000 sockets (one
   * connection costs ~5 KB of heap in undici and Node besides its descriptor).
   */
  maxConnectionsPerMiner?: number;
  /** Requests in flight across the fleet; more wait for a slot (their timeout starts then); default 256. */
  maxConnections?: number;
  /**
   * How long an idle keep-alive socket stays open (ms); default 10 s. Longer than the poll interval
   * reuses sockets across polls (fewer TIME_WAIT ports) at the cost of one open descriptor per miner
   * and connection; shorter frees descriptors on very large farms.
   */
  keepAliveMs?: number;
  clock?: Clock;
  /** Seconds to stay away after a 429 that names no `unlock_timeout`; default 60. */
  defaultLockoutS?: number;
  /** How long a password the miner refused (403) is not sent again (ms); default 10 min. */
  wrongPasswordHoldMs?: number;
}

export interface CallOpts {
  timeoutMs?: number;
  connectTimeoutMs?: number;
  signal?: AbortSignal;
  /** The miner's MAC when the caller knows it: picks the most specific stored password. */
  mac?: string | null;
}

export type MiningAction = 'start' | 'stop' | 'restart' | 'pause' | 'resume';
export type LogType = 'status' | 'miner' | 'autotune' | 'pool' | 'hwscan' | 'system' | 'messages' | 'api';

export interface SaveResult {
  restartRequired: boolean | null;
  rebootRequired: boolean | null;
}

export interface MetricsQuery {
  /** Seconds back from now (vendor default 1 day, max 3 days). */
  timeSliceS?: number;
  /** Averaging step in seconds (vendor default 15 min). */
  stepS?: number;
}

export interface SnapshotOpts extends CallOpts {
  mac?: string | null;
  /** Read `/settings` for the configured preset (needs a token); default true. */
  settings?: boolean;
  /**
   * When the web API is unreachable, read what the cgminer API on 4028 still tells (state `unknown`);
   * default false, because for a powered-off miner it doubles the wait.
   */
  cgminerFallback?: boolean;
  /** cgminer port for the fallback; default 4028. */
  cgminerPort?: number;
}

export interface ProbeResult {
  status: number;
  contentType: string | null;
  /** Lower-case header names (e.g. `www-authenticate`, `server`): other firmwares name themselves there. */
  headers: Record<string, string>;
  body: string;
}

export interface VnishClient {
  info(address: string, opts?: CallOpts): Promise<RawInfo>;
  model(address: string, opts?: CallOpts): Promise<RawModel>;
  status(address: string, opts?: CallOpts): Promise<RawStatus>;
  summary(address: string, opts?: CallOpts): Promise<RawSummary>;
  perfSummary(address: string, opts?: CallOpts): Promise<RawPerfSummary>;
  /** Autotune presets; the bare array and the `{presets}` wrapper both arrive as an array. */
  presets(address: string, opts?: CallOpts): Promise<RawPreset[]>;
  settings(address: string, opts?: CallOpts): Promise<RawSettings>;
  /** Partial merge (`{"miner":{"overclock":{"preset":"3200"}}}`); the answer is a hint, not proof. */
  updateSettings(address: string, partial: unknown, opts?: CallOpts): Promise<SaveResult>;
  mining(address: string, action: MiningAction, opts?: CallOpts): Promise<void>;
  switchPool(address: string, poolId: number, opts?: CallOpts): Promise<void>;
  /** 1.3.x only: throttle to 20-100 %. */
  throttle(address: string, percent: number, opts?: CallOpts): Promise<SaveResult>;
  reboot(address: string, opts?: CallOpts): Promise<{ afterS: number | null }>;
  /**
   * Blink the locate LED: `/locate-miner` on 1.3.x, the toggling `/find-miner` on 1.2.x (and to switch
   * it off on 1.3.x). `on` is what the firmware reports afterwards, null when it does not say.
   */
  locate(address: string, on?: boolean, opts?: CallOpts): Promise<{ on: boolean | null }>;
  metrics(address: string, q?: MetricsQuery, opts?: CallOpts): Promise<RawMetrics>;
  /** Per-chip detail: `/boards` on 1.3.x, `/chains` on 1.2.x. */
  chains(address: string, opts?: CallOpts): Promise<RawChains>;
  factoryInfo(address: string, opts?: CallOpts): Promise<RawFactoryInfo>;
  /** Log text (the most recent 1 MB when longer). */
  logs(address: string, type: LogType, opts?: CallOpts): Promise<string>;
  /** Drops the session on the miner and forgets the token. */
  lock(address: string, opts?: CallOpts): Promise<void>;
  /** Tries the resolved password: ok, wrong password, or no password available. */
  authCheck(address: string, opts?: CallOpts): Promise<'ok' | 'wrong' | 'none'>;
  /** Reads info (+model) + summary + perf-summary (+settings when a password is at hand) and normalises. */
  snapshot(address: string, opts?: SnapshotOpts): Promise<MinerSnapshot>;
  /** Raw text GET for fingerprinting any device (no auth): status, content-type, body (capped 64 KB). */
  probeHttp(address: string, path: string, opts?: CallOpts): Promise<ProbeResult>;
  cgminer(
    host: string,
    command: string,
    opts?: { port?: number; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<unknown>;
  forgetToken(address: string): void;
  close(): Promise<void>;
}

interface MinerAuth {
  token: string | null;
  unlocking: Promise<string> | null;
  /** Epoch ms before which no unlock is attempted (429 / unlock_timeout). */
  blockedUntil: number;
  /** sha-256 of the password the miner refused, and until when it is not sent again. */
  refused: { hash: string; until: number } | null;
  fwVersion: string | null;
  mac: string | null;
}

/** `none`: public endpoint (a 401 still triggers one unlock, for builds that protect it); `required`: unlock first. */
type AuthMode = 'none' | 'required';

interface CallSpec {
  method: 'GET' | 'POST';
  /** Endpoint under /api/v1, e.g. `summary` or `metrics?step=60`. */
  endpoint: string;
  auth: AuthMode;
  json?: unknown;
  idempotent: boolean;
  maxBodyBytes?: number;
  keepTail?: boolean;
}

const JSON_CAP = 8 * 1024 * 1024;
const PROBE_CAP = 64 * 1024;
const LOG_CAP = 1024 * 1024;

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** 1.3.x and later replaced /chains with /boards and /find-miner with /locate-miner. */
export function isGen13(fwVersion: string | null | undefined): boolean | null {
  const m = /(\d+)\.(\d+)/.exec(fwVersion ?? '');
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 1 || (major === 1 && minor >= 3);
}

function looksLikeHtml(res: HttpResponse): boolean {
  return (res.contentType ?? '').includes('text/html') || /^\s*</.test(res.text);
}

/** Creates the client. One per process: its dispatcher and token cache serve the whole fleet. */
export function createVnishClient(opts: VnishClientOptions): VnishClient {
  const clock = opts.clock ?? systemClock;
  const transport: Transport = createTransport({
    connectTimeoutMs: opts.connectTimeoutMs ?? 1500,
    requestTimeoutMs: opts.requestTimeoutMs ?? 5000,
    maxConnectionsPerMiner: opts.maxConnectionsPerMiner ?? 1,
    maxConnections: opts.maxConnections ?? 256,
    keepAliveMs: opts.keepAliveMs ?? 10_000,
  });
  const defaultLockoutS = opts.defaultLockoutS ?? 60;
  const wrongPasswordHoldMs = opts.wrongPasswordHoldMs ?? 10 * 60_000;
  const miners = new Map<string, MinerAuth>();

  const stateOf = (address: string): MinerAuth => {
    let s = miners.get(address);
    if (!s) {
      s = { token: null, unlocking: null, blockedUntil: 0, refused: null, fwVersion: null, mac: null };
      miners.set(address, s);
    }
    return s;
  };

  const send = (address: string, spec: CallSpec, co: CallOpts | undefined, token: string | null) =>
    transport.send({
      address,
      method: spec.method,
      path: endpointPath(spec.endpoint),
      headers: token ? { authorization: `Bearer ${token}` } : {},
      json: spec.json,
      idempotent: spec.idempotent,
      timeoutMs: co?.timeoutMs,
      connectTimeoutMs: co?.connectTimeoutMs,
      signal: co?.signal,
      maxBodyBytes: spec.maxBodyBytes ?? JSON_CAP,
      keepTail: spec.keepTail,
    });

  const errText = (res: HttpResponse): { err: string | null; unlockTimeoutS: number | null } => {
    try {
      const r = RawErrSchema.partial().safeParse(JSON.parse(res.text));
      if (r.success) return { err: r.data.err ?? null, unlockTimeoutS: r.data.unlock_timeout ?? null };
    } catch {
      // not JSON
    }
    return { err: null, unlockTimeoutS: null };
  };

  const rateLimited = (address: string, endpoint: string, untilMs: number): HashwatchError => {
    const retryAfterS = Math.max(0, Math.ceil((untilMs - clock.now()) / 1000));
    return new HashwatchError(
      'RateLimited',
      `${address} refuses logins for ${retryAfterS} s after too many attempts; Hashwatch will not try before then`,
      { address, endpoint: endpointPath(endpoint), retryAfterS },
    );
  };

  const resolvePassword = async (address: string, co: CallOpts | undefined): Promise<string | null> => {
    const s = stateOf(address);
    const mac = normaliseMac(co?.mac ?? null) ?? s.mac;
    const stored = await opts.credentials.passwordFor({ address, mac });
    if (stored !== null && stored !== '') return stored;
    return opts.credentials.tryFactoryPassword() ? 'admin' : null;
  };

  /** POST /unlock with the resolved password. Never retried: every refusal counts toward a lockout. */
  const unlock = async (address: string, co: CallOpts | undefined): Promise<string> => {
    const s = stateOf(address);
    if (s.blockedUntil > clock.now()) throw rateLimited(address, 'unlock', s.blockedUntil);
    const pw = await resolvePassword(address, co);
    if (pw === null) {
      throw new HashwatchError(
        'AuthFailed',
        `No password is stored for ${address} (and trying the factory default is off)`,
        { address, endpoint: endpointPath('unlock'), reason: 'no-password' },
      );
    }
    const hash = sha(pw);
    if (s.refused && s.refused.hash === hash && s.refused.until > clock.now()) {
      throw new HashwatchError(
        'AuthFailed',
        `${address} refused this password; Hashwatch will not send it again until it is changed`,
        { address, endpoint: endpointPath('unlock'), reason: 'wrong-password', remembered: true },
      );
    }
    const res = await send(
      address,
      { method: 'POST', endpoint: 'unlock', auth: 'none', json: { pw }, idempotent: false },
      co,
      null,
    );
    if (res.status >= 200 && res.status < 300) {
      const body = parseRaw(RawUnlockSchema, 'unlock', res.text, address);
      if (!body.token) {
        throw new HashwatchError('BadResponse', `/api/v1/unlock from ${address}: field token: missing`, {
          address,
          endpoint: endpointPath('unlock'),
          field: 'token',
        });
      }
      s.refused = null;
      s.token = body.token;
      return body.token;
    }
    const { err, unlockTimeoutS } = errText(res);
    if (res.status === 403) {
      s.refused = { hash, until: clock.now() + wrongPasswordHoldMs };
      if (unlockTimeoutS !== null && unlockTimeoutS > 0) s.blockedUntil = clock.now() + unlockTimeoutS * 1000;
      throw new HashwatchError('AuthFailed', `${address} refused the password (wrong password)`, {
        address,
        endpoint: endpointPath('unlock'),
        reason: 'wrong-password',
        unlockTimeoutS,
      });
    }
    if (res.status === 429) {
      s.blockedUntil = clock.now() + (unlockTimeoutS ?? defaultLockoutS) * 1000;
      throw rateLimited(address, 'unlock', s.blockedUntil);
    }
    throw firmwareError(address, 'unlock', res, err);
  };

  /** The cached token, or one fresh unlock shared by every caller waiting on this miner. */
  const ensureToken = async (
    address: string,
    co: CallOpts | undefined,
    stale: string | null,
  ): Promise<string> => {
    const s = stateOf(address);
    if (s.token !== null && s.token !== stale) return s.token;
    if (s.token === stale) s.token = null;
    if (!s.unlocking) {
      // Shared by every waiting caller, so one caller's abort must not fail the others' unlock.
      const shared = co ? { ...co, signal: undefined } : undefined;
      s.unlocking = unlock(address, shared).finally(() => {
        s.unlocking = null;
      });
    }
    return s.unlocking;
  };

  const firmwareError = (
    address: string,
    endpoint: string,
    res: HttpResponse,
    err: string | null,
  ): HashwatchError => {
    const path = endpointPath(endpoint);
    const text =
      err ?? (res.status === 404 ? 'endpoint not available on this firmware' : `HTTP ${res.status}`);
    return new HashwatchError('FirmwareError', `${address} ${path}: ${text}`, {
      address,
      endpoint: path,
      status: res.status,
      err,
    });
  };

  /** One API call with the 401 -> unlock once -> retry once rule; returns the 2xx response. */
  const call = async (address: string, spec: CallSpec, co?: CallOpts): Promise<HttpResponse> => {
    const s = stateOf(address);
    let token = spec.auth === 'required' ? await ensureToken(address, co, null) : null;
    let res = await send(address, spec, co, token);
    if (res.status === 401) {
      // Tokens die on reboot and after an undocumented lifetime: one fresh unlock, one retry.
      token = await ensureToken(address, co, token);
      res = await send(address, spec, co, token);
      if (res.status === 401) {
        if (s.token === token) s.token = null;
        throw new HashwatchError(
          'AuthFailed',
          `${address} refused a fresh token for ${endpointPath(spec.endpoint)}`,
          {
            address,
            endpoint: endpointPath(spec.endpoint),
            reason: 'token-refused',
          },
        );
      }
    }
    if (res.status >= 200 && res.status < 300) return res;
    const { err, unlockTimeoutS } = errText(res);
    if (res.status === 403) {
      throw new HashwatchError(
        'AuthFailed',
        `${address} ${endpointPath(spec.endpoint)}: access refused${err ? `: ${err}` : ''}`,
        {
          address,
          endpoint: endpointPath(spec.endpoint),
          reason: 'forbidden',
        },
      );
    }
    if (res.status === 429) {
      s.blockedUntil = Math.max(s.blockedUntil, clock.now() + (unlockTimeoutS ?? defaultLockoutS) * 1000);
      throw rateLimited(address, spec.endpoint, s.blockedUntil);
    }
    throw firmwareError(address, spec.endpoint, res, err);
  };

  const getJson = async <S extends z.ZodType>(
    address: string,
    endpoint: string,
    schema: S,
    auth: AuthMode,
    co?: CallOpts,
  ): Promise<z.output<S>> => {
    const res = await call(address, { method: 'GET', endpoint, auth, idempotent: true }, co);
    if (res.truncated) {
      throw new HashwatchError(
        'BadResponse',
        `${endpointPath(endpoint)} from ${address}: answer larger than ${JSON_CAP / 1024 / 1024} MB`,
        { address, endpoint: endpointPath(endpoint), field: '(body)' },
      );
    }
    return parseBody(schema, endpoint, res.text, address);
  };

  const postJson = async (
    address: string,
    endpoint: string,
    json: unknown,
    co?: CallOpts,
  ): Promise<unknown> => {
    const res = await call(
      address,
      { method: 'POST', endpoint, auth: 'required', json, idempotent: false },
      co,
    );
    return parseJsonBody(endpoint, res.text, address);
  };

  const saveResult = (address: string, endpoint: string, body: unknown): SaveResult => {
    if (body === null) return { restartRequired: null, rebootRequired: null };
    const r = parseRaw(RawSaveConfigResultSchema, endpoint, body, address);
    return { restartRequired: r.restart_required ?? null, rebootRequired: r.reboot_required ?? null };
  };

  const info = async (address: string, co?: CallOpts): Promise<RawInfo> => {
    const r = await getJson(address, 'info', RawInfoSchema, 'none', co);
    const s = stateOf(address);
    if (r.fw_version) s.fwVersion = r.fw_version;
    const mac = normaliseMac(r.system?.network_status?.mac ?? null);
    if (mac) s.mac = mac;
    return r;
  };

  /** The firmware generation, asking `/info` once when not yet known. */
  const gen13 = async (address: string, co?: CallOpts): Promise<boolean | null> => {
    const s = stateOf(address);
    if (s.fwVersion === null) await info(address, co);
    return isGen13(s.fwVersion);
  };

  const settings = (address: string, co?: CallOpts) =>
    getJson(address, 'settings', RawSettingsSchema, 'required', co);
  // /summary works with or without a token: read it without, so a dead token or a refused password
  // never costs the poll its main data.
  const summary = (address: string, co?: CallOpts) =>
    getJson(address, 'summary', RawSummarySchema, 'none', co);
  const perfSummary = (address: string, co?: CallOpts) =>
    getJson(address, 'perf-summary', RawPerfSummarySchema, 'none', co);
  const model = (address: string, co?: CallOpts) => getJson(address, 'model', RawModelSchema, 'none', co);
  const status = (address: string, co?: CallOpts) => getJson(address, 'status', RawStatusSchema, 'none', co);

  const chainsAt = async (
    address: string,
    endpoint: 'boards' | 'chains',
    co?: CallOpts,
  ): Promise<RawChains | null> => {
    const res = await call(address, { method: 'GET', endpoint, auth: 'none', idempotent: true }, co).catch(
      (e: unknown) => {
        if (
          e instanceof HashwatchError &&
          e.code === 'FirmwareError' &&
          (e.details as { status?: number }).status === 404
        )
          return null;
        throw e;
      },
    );
    // Unknown paths answer the web UI page on vnish: that means "not this generation".
    if (res === null || looksLikeHtml(res)) return null;
    return parseRaw(RawChainsSchema, endpoint, parseJsonBody(endpoint, res.text, address), address);
  };

  const cgminerSnapshot = async (
    address: string,
    polledAt: Date,
    co: SnapshotOpts,
  ): Promise<MinerSnapshot> => {
    const cg = (command: string) =>
      cgminerCommand(address, command, {
        port: co.cgminerPort,
        timeoutMs: co.timeoutMs ?? opts.requestTimeoutMs ?? 5000,
        signal: co.signal,
      });
    const [sum, stats, pools] = await Promise.all([
      cg('summary'),
      cg('stats').catch(() => null),
      cg('pools').catch(() => null),
    ]);
    return normaliseCgminer({ address, polledAt, summary: sum, stats, pools });
  };

  return {
    info,
    model,
    status,
    summary,
    perfSummary,
    settings,
    async presets(address, co) {
      return getJson(address, 'autotune/presets', RawPresetsSchema, 'required', co);
    },
    async updateSettings(address, partial, co) {
      if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
        throw new HashwatchError('ValidationError', 'Settings must be a partial settings object', {
          address,
        });
      }
      return saveResult(address, 'settings', await postJson(address, 'settings', partial, co));
    },
    async mining(address, action, co) {
      if (!['start', 'stop', 'restart', 'pause', 'resume'].includes(action)) {
        throw new HashwatchError('ValidationError', `Unknown mining action ${String(action)}`, { address });
      }
      await call(
        address,
        { method: 'POST', endpoint: `mining/${action}`, auth: 'required', idempotent: false },
        co,
      );
    },
    async switchPool(address, poolId, co) {
      if (!Number.isInteger(poolId) || poolId < 0) {
        throw new HashwatchError('ValidationError', 'pool id must be a non-negative integer', {
          address,
          poolId,
        });
      }
      await call(
        address,
        {
          method: 'POST',
          endpoint: 'mining/switch-pool',
          auth: 'required',
          json: { pool_id: poolId },
          idempotent: false,
        },
        co,
      );
    },
    async throttle(address, percent, co) {
      if (!Number.isInteger(percent) || percent < 20 || percent > 100) {
        throw new HashwatchError('ValidationError', 'throttle percent must be an integer from 20 to 100', {
          address,
          percent,
        });
      }
      if ((await gen13(address, co)) === false) {
        throw new HashwatchError('FirmwareError', `${address}: throttling needs vnish 1.3 or later`, {
          address,
          endpoint: endpointPath('mining/throttle'),
          reason: 'unsupported',
          fwVersion: stateOf(address).fwVersion,
        });
      }
      return saveResult(
        address,
        'mining/throttle',
        await postJson(address, 'mining/throttle', { percent }, co),
      );
    },
    async reboot(address, co) {
      const body = await postJson(address, 'system/reboot', undefined, co);
      // The token dies with the reboot; the next call unlocks afresh instead of eating a 401 first.
      stateOf(address).token = null;
      if (body === null) return { afterS: null };
      return { afterS: parseRaw(RawRebootAfterSchema, 'system/reboot', body, address).after ?? null };
    },
    async locate(address, on, co) {
      const g = await gen13(address, co);
      if (g !== false && on !== false) {
        const body = await postJson(
          address,
          'locate-miner',
          on === undefined ? undefined : { is_enabled: on },
          co,
        );
        const r = parseRaw(RawLocateSchema, 'locate-miner', body, address);
        return { on: r?.is_enabled ?? r?.on ?? null };
      }
      // /find-miner toggles (1.2.x, and deprecated but present on 1.3.x, where it is the only way to
      // switch the LED off early). To reach a wanted state, read it from /status first.
      if (on !== undefined) {
        const st = await status(address, co);
        if (st.find_miner === on) return { on };
      }
      const r = parseRaw(
        RawLocateSchema,
        'find-miner',
        await postJson(address, 'find-miner', undefined, co),
        address,
      );
      return { on: r?.on ?? r?.is_enabled ?? null };
    },
    async metrics(address, q, co) {
      const params = new URLSearchParams();
      if (q?.timeSliceS !== undefined) params.set('time_slice', String(Math.round(q.timeSliceS)));
      if (q?.stepS !== undefined) params.set('step', String(Math.round(q.stepS)));
      const qs = params.toString();
      return getJson(address, qs ? `metrics?${qs}` : 'metrics', RawMetricsSchema, 'none', co);
    },
    async chains(address, co) {
      const g = await gen13(address, co).catch(() => null);
      const order: Array<'boards' | 'chains'> = g === false ? ['chains', 'boards'] : ['boards', 'chains'];
      for (const ep of order) {
        const r = await chainsAt(address, ep, co);
        if (r !== null) return r;
      }
      throw new HashwatchError('FirmwareError', `${address}: neither /boards nor /chains is available`, {
        address,
        endpoint: endpointPath(order[0]!),
        status: 404,
      });
    },
    async factoryInfo(address, co) {
      return getJson(address, 'chains/factory-info', RawFactoryInfoSchema, 'none', co);
    },
    async logs(address, type, co) {
      if (!/^[a-z]+$/.test(type))
        throw new HashwatchError('ValidationError', `Unknown log type ${type}`, { address });
      const res = await call(
        address,
        {
          method: 'GET',
          endpoint: `logs/${type}`,
          auth: 'none',
          idempotent: true,
          maxBodyBytes: LOG_CAP,
          keepTail: true,
        },
        co,
      );
      return res.text;
    },
    async lock(address, co) {
      const s = stateOf(address);
      const token = s.token;
      s.token = null;
      if (token === null) return;
      const res = await send(
        address,
        { method: 'POST', endpoint: 'lock', auth: 'none', idempotent: false },
        co,
        token,
      );
      if (res.status >= 400 && res.status !== 401)
        throw firmwareError(address, 'lock', res, errText(res).err);
    },
    async authCheck(address, co) {
      const s = stateOf(address);
      if ((await resolvePassword(address, co)) === null) return 'none';
      s.token = null;
      try {
        await ensureToken(address, co, null);
      } catch (e) {
        if (e instanceof HashwatchError && e.code === 'AuthFailed') {
          const reason = (e.details as { reason?: string } | undefined)?.reason;
          if (reason === 'wrong-password') return 'wrong';
          if (reason === 'no-password') return 'none';
        }
        throw e;
      }
      // The token is fresh; /auth-check confirms the firmware honours it.
      const res = await send(
        address,
        { method: 'GET', endpoint: 'auth-check', auth: 'none', idempotent: true },
        co,
        s.token,
      );
      if (res.status === 401) return 'wrong';
      if (res.status >= 200 && res.status < 300 && res.text.trim() !== '') {
        parseRaw(RawAuthCheckSchema, 'auth-check', res.text, address);
      }
      return 'ok';
    },
    async snapshot(address, co) {
      const s = stateOf(address);
      const polledAt = new Date(clock.now());
      // The configured preset needs a token; a miner without a usable password still gets polled
      // (and a refused or rate-limited password is not sent again: see unlock()).
      const wantSettings = co?.settings !== false && !(s.blockedUntil > clock.now());
      const [infoR, summaryR, perfR, settingsR] = await Promise.allSettled([
        info(address, co),
        summary(address, co),
        perfSummary(address, co),
        wantSettings ? settings(address, co) : Promise.resolve(undefined),
      ]);
      if (summaryR.status === 'rejected') {
        const e: unknown = summaryR.reason;
        const down = e instanceof HashwatchError && (e.code === 'Unreachable' || e.code === 'Timeout');
        if (down && co?.cgminerFallback) {
          const viaCg = await cgminerSnapshot(address, polledAt, co).catch(() => null);
          if (viaCg) return viaCg;
        }
        throw e;
      }
      const inf = infoR.status === 'fulfilled' ? infoR.value : undefined;
      // Pre-1.2.6 /info lacks the hashrate unit; /model has it.
      const wantModel = !inf || !inf.hr_measure || !inf.miner || !inf.model;
      const modelR = wantModel
        ? await model(address, co).then(
            (v) => v,
            () => undefined,
          )
        : undefined;
      return normaliseSnapshot({
        address,
        polledAt,
        info: inf,
        model: modelR,
        summary: summaryR.value,
        perfSummary: perfR.status === 'fulfilled' ? perfR.value : undefined,
        settings: settingsR.status === 'fulfilled' ? settingsR.value : undefined,
      });
    },
    async probeHttp(address, path, co) {
      const p = path.startsWith('/') ? path : `/${path}`;
      const res = await transport.send({
        address,
        method: 'GET',
        path: p,
        idempotent: true,
        timeoutMs: co?.timeoutMs,
        connectTimeoutMs: co?.connectTimeoutMs,
        signal: co?.signal,
        maxBodyBytes: PROBE_CAP,
        closeAfter: true,
      });
      return { status: res.status, contentType: res.contentType, headers: res.headers, body: res.text };
    },
    cgminer(host, command, co) {
      return cgminerCommand(host, command, {
        port: co?.port,
        timeoutMs: co?.timeoutMs ?? opts.requestTimeoutMs ?? 5000,
        signal: co?.signal,
      });
    },
    forgetToken(address) {
      const s = miners.get(address);
      if (!s) return;
      s.token = null;
      s.refused = null;
    },
    close: () => transport.close(),
  };
}
