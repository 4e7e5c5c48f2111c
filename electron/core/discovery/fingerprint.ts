/**
 * Fingerprinting: is the host that answered on 80/4028 a vnish miner, another miner, or neither?
 *
 * vnish is recognised only by its own markers (`fw_name == "Vnish"` in `GET /api/v1/info`, `AnthillOS`
 * in the web UI, `Vnish` in the cgminer `stats`/`version` reply), so another firmware is never taken
 * for vnish. Other firmwares (stock Antminer, Braiins OS, LuxOS, Whatsminer, Bitaxe/AxeOS) are named
 * with what gave them away, so the technician knows what is on the network even though Hashwatch does
 * not manage it. The classifier works over a small I/O interface so it is unit-tested on canned replies.
 */
import { normaliseMac } from '../../../shared/miner.js';
import type { MinerKind } from '../../../shared/api/discovery.js';

/** One HTTP reply as the fingerprinter sees it. */
export interface HttpReply {
  status: number;
  contentType: string | null;
  body: string;
  /** The `WWW-Authenticate` header when the client exposes it. */
  wwwAuthenticate?: string | null;
}

/** What the fingerprinter may ask of a host; every call resolves null on any failure. */
export interface FingerprintIo {
  http(path: string): Promise<HttpReply | null>;
  /** A parsed cgminer API reply, or null when the port is closed, silent or the reply is not JSON. */
  cgminer(command: string): Promise<unknown>;
}

/** What a host turned out to be. */
export type Fingerprint =
  | {
      managed: true;
      kind: 'vnish';
      mac: string | null;
      model: string | null;
      version: string | null;
      /** What identified it. */
      detail: string;
    }
  | {
      managed: false;
      kind: Exclude<MinerKind, 'vnish'>;
      mac: string | null;
      model: string | null;
      detail: string;
    };

export interface ClassifyPorts {
  /** The HTTP port accepted a connection. */
  http: boolean;
  /** The cgminer port accepted a connection. */
  cgminer: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return null;
  }
}

const text = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;

/** Shortens what goes into a detail line (it is shown in tables and logs). */
const clip = (s: string, n = 120): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function vnishFromInfo(info: Record<string, unknown>): Fingerprint {
  const system = isObject(info.system) ? info.system : {};
  const net = isObject(system.network_status) ? system.network_status : {};
  const mac = normaliseMac(text(net.mac) ?? text(system.mac) ?? text(info.mac));
  const model = text(info.model) ?? text(info.miner);
  const version = text(info.fw_version);
  return {
    managed: true,
    kind: 'vnish',
    mac,
    model,
    version,
    detail: clip(`${text(info.fw_name) ?? 'Vnish'} ${version ?? '(version unknown)'} (GET /api/v1/info)`),
  };
}

/** All strings in a cgminer reply's `STATS`/`VERSION`/`SUMMARY` sections, for name matching. */
function cgminerStrings(reply: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 4 || out.length > 200) return out;
  if (typeof reply === 'string') out.push(reply);
  else if (Array.isArray(reply)) for (const v of reply) cgminerStrings(v, out, depth + 1);
  else if (isObject(reply))
    for (const [k, v] of Object.entries(reply)) {
      if (typeof v === 'string') out.push(`${k}=${v}`);
      else cgminerStrings(v, out, depth + 1);
    }
  return out;
}

/** The first STATS/VERSION entry's `Type` (e.g. `Antminer S19 XP (Vnish 1.2.0-rc1)`). */
function cgminerType(reply: unknown): string | null {
  if (!isObject(reply)) return null;
  for (const key of ['STATS', 'VERSION', 'stats', 'version']) {
    const list = reply[key];
    if (Array.isArray(list)) {
      for (const e of list) if (isObject(e) && text(e.Type)) return text(e.Type);
    }
  }
  return null;
}

/** Classifies from cgminer replies alone (port 4028). */
export function classifyCgminer(stats: unknown, version: unknown): Fingerprint | null {
  const strings = [...cgminerStrings(version), ...cgminerStrings(stats)];
  if (strings.length === 0) return null;
  const type = cgminerType(stats) ?? cgminerType(version);
  const find = (re: RegExp) => strings.find((s) => re.test(s)) ?? null;
  const vnish = find(/vnish/i);
  if (vnish) {
    const m = /vnish\s*([\d][\w.-]*)/i.exec(vnish);
    const model = type ? type.replace(/\s*\(.*\)\s*$/, '').trim() || null : null;
    return {
      managed: true,
      kind: 'vnish',
      mac: null,
      model,
      version: m?.[1] ?? null,
      detail: clip(`cgminer: ${type ?? vnish}`),
    };
  }
  const model = type ? type.replace(/\s*\(.*\)\s*$/, '').trim() || null : null;
  const other = (kind: Exclude<MinerKind, 'vnish'>, hit: string, m: string | null = model): Fingerprint => ({
    managed: false,
    kind,
    mac: null,
    model: m,
    detail: clip(`cgminer: ${hit}`),
  });
  const bos = find(/bosminer|braiins/i);
  if (bos) return other('braiins', bos);
  const lux = find(/luxminer|luxos/i);
  if (lux) return other('luxos', lux);
  const wm = find(/btminer|whatsminer/i);
  if (wm) return other('whatsminer', wm, model ?? find(/^Type=.*M\d/i)?.slice(5) ?? null);
  if (type && /antminer/i.test(type)) return other('antminer', `Type=${type}`);
  const bm = find(/bmminer|antminer/i);
  if (bm) return other('antminer', bm);
  // Something speaks the cgminer protocol but names no firmware we know.
  const any = find(/cgminer|sgminer|miner/i);
  return any ? other('cgminer', any) : null;
}

const realmOf = (h: string | null | undefined): string | null =>
  /realm="?([^",]*)"?/i.exec(h ?? '')?.[1] ?? null;

function bitaxeFrom(reply: HttpReply | null): Fingerprint | null {
  if (!reply || reply.status !== 200) return null;
  const j = parseJson(reply.body);
  if (!isObject(j) || !('ASICModel' in j || 'hashRate' in j)) return null;
  const model = text(j.ASICModel) ?? text(j.deviceModel) ?? text(j.boardVersion);
  const version = text(j.version) ?? text(j.axeOSVersion);
  return {
    managed: false,
    kind: 'bitaxe',
    mac: normaliseMac(text(j.macAddr) ?? text(j.mac)),
    model,
    detail: clip(
      `AxeOS ${version ?? ''} (GET /api/system/info: ASICModel ${model ?? '?'})`.replace(/\s+/g, ' '),
    ),
  };
}

/**
 * Classifies one host that accepted a connection. Returns null for hosts that are not recognisably a
 * miner (a switch's web page, a printer): they count as responsive but are not listed.
 */
export async function classify(io: FingerprintIo, ports: ClassifyPorts): Promise<Fingerprint | null> {
  let httpHint: Fingerprint | null = null;
  if (ports.http) {
    const info = await io.http('/api/v1/info');
    const infoJson = info && info.status === 200 ? parseJson(info.body) : null;
    if (isObject(infoJson) && /^vnish$/i.test(text(infoJson.fw_name) ?? '')) return vnishFromInfo(infoJson);

    const root = await io.http('/');
    const page = root?.body ?? '';
    // vnish serves its web UI for unknown paths too, so the marker may be in either reply.
    if (/AnthillOS/.test(page) || (info && /AnthillOS/.test(info.body))) {
      return {
        managed: true,
        kind: 'vnish',
        mac: null,
        model: null,
        version: null,
        detail: 'AnthillOS web UI (GET /)',
      };
    }
    if (/braiins|bos(miner|\+)/i.test(page)) {
      httpHint = {
        managed: false,
        kind: 'braiins',
        mac: null,
        model: null,
        detail: clip(`Braiins OS web UI (GET /: ${/<title>([^<]*)</i.exec(page)?.[1]?.trim() ?? 'Braiins'})`),
      };
    } else if (/axeos|bitaxe/i.test(page) || root?.status === 200) {
      const axe = bitaxeFrom(await io.http('/api/system/info'));
      if (axe) return axe;
    }
    if (!httpHint && root && root.status === 401) {
      const realm = realmOf(root.wwwAuthenticate);
      httpHint = {
        managed: false,
        kind: 'antminer',
        mac: null,
        model: null,
        detail: clip(`HTTP 401 on GET /${realm ? ` (realm "${realm}")` : ''}: stock firmware web login`),
      };
    }
    if (!httpHint && root) {
      const bos = await io.http('/api/bos');
      if (bos && bos.status >= 200 && bos.status < 300 && /braiins|bos/i.test(bos.body)) {
        httpHint = {
          managed: false,
          kind: 'braiins',
          mac: null,
          model: null,
          detail: 'Braiins OS (GET /api/bos)',
        };
      }
    }
  }
  if (ports.cgminer) {
    const stats = await io.cgminer('stats');
    let fromCg = classifyCgminer(stats, null);
    // `version` names the firmware on most builds; vnish 1.3.0 may not answer it (stats is enough).
    if (!fromCg || fromCg.kind === 'cgminer' || fromCg.kind === 'antminer') {
      const version = await io.cgminer('version');
      fromCg = classifyCgminer(stats, version) ?? fromCg;
    }
    if (fromCg) {
      // An HTTP 401 with a Bitmain realm plus a cgminer Type naming the model: keep both clues.
      if (httpHint && fromCg.kind === httpHint.kind && !fromCg.managed) {
        return { ...fromCg, detail: clip(`${fromCg.detail}; ${httpHint.detail}`, 200) };
      }
      if (fromCg.kind !== 'cgminer' || !httpHint) return fromCg;
    }
  }
  return httpHint;
}
