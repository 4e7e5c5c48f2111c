/**
 * The vnish miner simulator: a farm of simulated miners in one process.
 *
 * Independent of electron/core (built from the vendor documents in ../shared/vnish-api/), so the
 * product's client and this simulator check each other. Used for demo mode, tests, benchmarks and to
 * train and judge the advisor against ground truth.
 *
 * Sockets: one listening socket per miner for HTTP, plus one for the cgminer API unless
 * `cgminer: false`. At 10,000 miners with cgminer that is 20,000 descriptors, the `ulimit -n` of this
 * machine: turn cgminer off for the largest farms (nothing here raises limits).
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createApiHandler } from './api.js';
import { handleCgminerSocket } from './cgminer.js';
import { startControl } from './control.js';
import { advertise, type MdnsHandle } from './mdns.js';
import { SimMiner } from './miner.js';
import { findModel, type ModelSpec } from './models.js';
import { hash32, Rng } from './rng.js';
import { assignGroups, checkScenario, loadScenario, timingOf } from './scenario.js';
import { Site } from './site.js';
import type { FaultSpec, GroundTruth, ScenarioSpec } from './types.js';
import demoJson from './scenarios/demo.json' with { type: 'json' };

export type {
  FaultSpec,
  FaultRecord,
  GroundTruth,
  PresetTruth,
  ScenarioSpec,
  ScenarioGroup,
  ScenarioFault,
} from './types.js';
export { FAULT_TYPES } from './types.js';
export { MODELS, findModel } from './models.js';

/** Options of `startFarm`. */
export interface FarmOptions {
  /** Farm size; default: the scenario's, else 10. */
  miners?: number;
  /** Path to a scenario JSON file, or the scenario itself. */
  scenario?: string | ScenarioSpec;
  /** Random seed; default: the scenario's, else 1. */
  seed?: number;
  /** `ips`: miners on 127.0.x.y:80 with cgminer on :4028 (needs root); `ports`: one host, one port each. */
  bind?: 'ips' | 'ports';
  /** Host of `ports` mode; default 127.0.0.1. */
  host?: string;
  /** Sim seconds per real second; default 1. 0 freezes the clock (tests move it with `advance`). */
  speed?: number;
  /** Advertise miners over mDNS; default false. */
  mdns?: boolean;
  /** Serve the cgminer TCP API; default true. */
  cgminer?: boolean;
  /** Port of the control API on 127.0.0.1; default 0 = a free port. */
  controlPort?: number;
  /** Sim clock at start, ms since epoch; default: the scenario's `startTime`, else the real time. */
  startTimeMs?: number;
  /**
   * `ports` mode: first port to try, then upwards (busy ports are skipped). Default: ephemeral ports
   * for farms up to 1,000 miners; above that sequential ports from 10,000 + a per-process offset,
   * because the kernel's ephemeral-port search slows to seconds per thousand once thousands are taken.
   */
  basePort?: number;
}

/** How to reach one simulated miner. */
export interface SimMinerInfo {
  index: number;
  host: string;
  httpPort: number;
  cgminerPort: number | null;
  /** "host" when httpPort is 80, else "host:port". */
  address: string;
  /** Lower-case aa:bb:cc:dd:ee:ff. */
  mac: string;
  model: string;
  firmware: string;
  password: string;
}

/** A running farm. */
export interface Farm {
  miners: SimMinerInfo[];
  controlUrl: string;
  /** Sim clock, ms since epoch. */
  now(): number;
  injectFault(index: number, fault: FaultSpec): void;
  clearFaults(index?: number): void;
  groundTruth(
    index: number,
    opts?: { electricityUsdPerKwh?: number; hashpriceUsdPerThDay?: number },
  ): GroundTruth;
  reboot(index: number): void;
  setPassword(index: number, pw: string): void;
  /** Jump the sim clock forward (tests). */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** The demo scenario (about 100 mixed miners, a few faults developing over the first minutes). */
export function demoScenario(): ScenarioSpec {
  return structuredClone(demoJson) as ScenarioSpec;
}

/**
 * Path of the demo scenario file. Next to this module when running from source; in a bundle (where
 * the JSON is not copied) a copy of the embedded scenario is written to the temp directory.
 */
export function demoScenarioPath(): string {
  const beside = fileURLToPath(new URL('./scenarios/demo.json', import.meta.url));
  if (existsSync(beside)) return beside;
  const copy = join(tmpdir(), 'hashwatch-demo-scenario.json');
  writeFileSync(copy, JSON.stringify(demoJson, null, 2));
  return copy;
}

/** Sim clock: real time scaled by `speed`, plus explicit jumps. */
class SimClock {
  private readonly realStart = performance.now();
  private offset = 0;
  constructor(
    private readonly startMs: number,
    readonly speed: number,
  ) {}
  now(): number {
    return Math.floor(this.startMs + (performance.now() - this.realStart) * this.speed + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** The address plan: 127.0.1.1, 127.0.1.2 ... skipping .0 and .255. */
function ipFor(i: number): string {
  const x = 1 + Math.floor(i / 254);
  const y = 1 + (i % 254);
  if (x > 255) throw new Error('too many miners for 127.0.x.y addressing');
  return `127.0.${x}.${y}`;
}

function macFor(seed: number, i: number): string {
  const h = hash32(seed, 0x3ac);
  const bytes = [0x02, (h >>> 8) & 0xff, h & 0xff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Hands out candidate ports upwards from a base, wrapping within 10000-60999. */
class PortCursor {
  private next: number;
  constructor(base: number) {
    this.next = base;
  }
  take(): number {
    const p = this.next++;
    if (this.next > 60999) this.next = 10000;
    return p;
  }
}

async function listenNext(server: NetServer, cursor: PortCursor | null, host: string): Promise<number> {
  if (!cursor) return listen(server, 0, host);
  for (let attempt = 0; ; attempt++) {
    try {
      return await listen(server, cursor.take(), host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'EADDRINUSE' && code !== 'EACCES') || attempt > 200) throw e;
    }
  }
}

function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(e);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, backlog: 128 });
  });
}

/** Start a farm of simulated miners. */
export async function startFarm(opts: FarmOptions = {}): Promise<Farm> {
  const scenario: ScenarioSpec =
    typeof opts.scenario === 'string'
      ? loadScenario(opts.scenario)
      : opts.scenario
        ? checkScenario(opts.scenario)
        : {};
  const seed = (opts.seed ?? scenario.seed ?? 1) >>> 0;
  const groupsTotal = (scenario.groups ?? []).reduce((a, g) => a + g.count, 0);
  const n = opts.miners ?? scenario.miners ?? (groupsTotal > 0 ? groupsTotal : 10);
  const bind = opts.bind ?? 'ports';
  const host = opts.host ?? '127.0.0.1';
  const withCg = opts.cgminer ?? true;
  const startRaw =
    opts.startTimeMs ??
    (scenario.startTime !== undefined
      ? typeof scenario.startTime === 'number'
        ? scenario.startTime
        : Date.parse(scenario.startTime)
      : Date.now());
  const clock = new SimClock(startRaw, opts.speed ?? 1);
  const site = new Site(hash32(seed, 0x517e), scenario.site, startRaw);
  const timing = timingOf(scenario);
  const groups = assignGroups(scenario, n);
  const rng = new Rng(seed);

  const miners: SimMiner[] = [];
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    const model = (g && findModel(g.model)) as ModelSpec;
    miners.push(
      new SimMiner({
        index: i,
        seed: rng.u32(),
        model,
        firmware: g?.firmware ?? '1.2.7',
        password: g?.password ?? 'admin',
        ...(g?.preset !== undefined ? { preset: g.preset } : {}),
        presetsWrapped: g?.presetsWrapped ?? false,
        brand: g?.brand ?? 'Vnish',
        fanTargetC: g?.fanTargetC ?? 70,
        host: bind === 'ips' ? ipFor(i) : host,
        mac: macFor(seed, i),
        site,
        timing,
        startMs: startRaw,
        historyS: Math.max(0, scenario.historyS ?? 0),
      }),
    );
  }
  for (const f of scenario.faults ?? []) {
    const m = miners[f.miner];
    if (m) {
      const { miner: _miner, ...spec } = f;
      m.addFault(spec as FaultSpec, startRaw);
    }
  }

  const sockMiner = new WeakMap<Socket, SimMiner>();
  const sockets: (Set<Socket> | undefined)[] = new Array(n);
  const httpListeners: NetServer[] = [];
  const cgListeners: (NetServer | null)[] = [];
  const down = new Set<number>();
  let upTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const track = (i: number, s: Socket): void => {
    let set = sockets[i];
    if (!set) set = sockets[i] = new Set();
    set.add(s);
    s.once('close', () => set.delete(s));
  };

  const takeDown = (i: number): void => {
    if (closed) return;
    httpListeners[i]?.close();
    cgListeners[i]?.close();
    for (const s of sockets[i] ?? []) s.destroy();
    down.add(i);
    if (!upTimer) {
      upTimer = setInterval(bringUp, 100);
      upTimer.unref();
    }
  };

  const infos: SimMinerInfo[] = [];
  const bringUp = (): void => {
    const now = clock.now();
    for (const i of [...down]) {
      const m = miners[i] as SimMiner;
      if (m.isDown(now) || closed) continue;
      down.delete(i);
      const info = infos[i] as SimMinerInfo;
      listen(httpListeners[i] as NetServer, info.httpPort, info.host).catch(() => down.add(i));
      const cg = cgListeners[i];
      if (cg && info.cgminerPort !== null) listen(cg, info.cgminerPort, info.host).catch(() => down.add(i));
    }
    if (down.size === 0 && upTimer) {
      clearInterval(upTimer);
      upTimer = null;
    }
  };

  const http: HttpServer = createHttpServer(
    createApiHandler({
      now: () => clock.now(),
      minerOf: (s) => sockMiner.get(s),
      onReboot: (m) => takeDown(m.index),
    }),
  );
  http.keepAliveTimeout = 30_000;
  http.headersTimeout = 20_000;
  http.requestTimeout = 120_000;

  const cgCtx = { now: () => clock.now() };
  const cursor =
    bind === 'ips'
      ? null
      : opts.basePort !== undefined && opts.basePort > 0
        ? new PortCursor(opts.basePort)
        : n > 1000
          ? new PortCursor(10000 + ((process.pid * 7919) % 9000))
          : null;
  const BATCH = 256;
  for (let b = 0; b < n; b += BATCH) {
    const batch: Promise<void>[] = [];
    for (let i = b; i < Math.min(n, b + BATCH); i++) {
      const m = miners[i] as SimMiner;
      const hs = createNetServer({ noDelay: true }, (s) => {
        sockMiner.set(s, m);
        track(i, s);
        http.emit('connection', s);
      });
      hs.on('error', () => undefined);
      httpListeners[i] = hs;
      let cs: NetServer | null = null;
      if (withCg) {
        cs = createNetServer((s) => {
          track(i, s);
          handleCgminerSocket(s, m, cgCtx);
        });
        cs.on('error', () => undefined);
      }
      cgListeners[i] = cs;
      const h = bind === 'ips' ? m.host : host;
      batch.push(
        (async () => {
          const httpPort = bind === 'ips' ? await listen(hs, 80, h) : await listenNext(hs, cursor, h);
          const cgPort = cs
            ? bind === 'ips'
              ? await listen(cs, 4028, h)
              : await listenNext(cs, cursor, h)
            : null;
          infos[i] = {
            index: i,
            host: h,
            httpPort,
            cgminerPort: cgPort,
            address: httpPort === 80 ? h : `${h}:${httpPort}`,
            mac: m.mac,
            model: m.model.fullName,
            firmware: m.firmware,
            // Live: follows password changes made through the miner's own /settings.
            get password() {
              return m.password;
            },
          };
        })(),
      );
    }
    try {
      await Promise.all(batch);
    } catch (e) {
      for (const s of [...httpListeners, ...cgListeners]) s?.close();
      throw e;
    }
  }

  let mdns: MdnsHandle | null = null;
  if (opts.mdns) {
    mdns = advertise(
      miners.map((m, i) => ({
        host: m.host,
        httpPort: infos[i]?.httpPort ?? 80,
        cgminerPort: infos[i]?.cgminerPort ?? null,
        mac: m.mac,
        model: m.model.fullName,
        hostname: m.network.hostname,
      })),
    );
  }

  const minerAt = (index: number): SimMiner => {
    const m = miners[index];
    if (!m) throw new RangeError(`no simulated miner ${index} (farm has ${miners.length})`);
    return m;
  };

  const core = {
    miners: infos,
    now: () => clock.now(),
    injectFault(index: number, fault: FaultSpec): void {
      const m = minerAt(index);
      const now = clock.now();
      m.advanceTo(now);
      m.addFault(fault, now);
    },
    clearFaults(index?: number): void {
      const now = clock.now();
      for (const m of index === undefined ? miners : [minerAt(index)]) {
        m.advanceTo(now);
        m.clearFaults();
      }
    },
    groundTruth(
      index: number,
      o?: { electricityUsdPerKwh?: number; hashpriceUsdPerThDay?: number },
    ): GroundTruth {
      const m = minerAt(index);
      const now = clock.now();
      m.advanceTo(now);
      const elec = o?.electricityUsdPerKwh ?? 0.06;
      const hp = o?.hashpriceUsdPerThDay ?? 0.05;
      const presets = m.presetTruths(elec, hp);
      const best = presets.reduce((a, b) => (b.profitUsdPerDay > a.profitUsdPerDay ? b : a));
      const q = m.qualityStats();
      return {
        index,
        mac: m.mac,
        model: m.model.fullName,
        firmware: m.firmware,
        quality: q.unit,
        chainQuality: q.chains,
        chainQualitySpread: q.spreads,
        leakFactor: Math.round(m.leakFactor * 1000) / 1000,
        electricityUsdPerKwh: elec,
        hashpriceUsdPerThDay: hp,
        bestPreset: best,
        presets,
        faults: m.faults.map((f) => ({ ...f, spec: { ...f.spec } })),
        state: m.state,
        reachable: !m.isDown(now),
        inletC: Math.round(m.inletC * 10) / 10,
        ambientC: Math.round(m.ambientC * 10) / 10,
        simTimeMs: now,
      };
    },
    reboot(index: number): void {
      const m = minerAt(index);
      const now = clock.now();
      m.advanceTo(now);
      m.reboot(now);
      takeDown(index);
    },
    setPassword(index: number, pw: string): void {
      minerAt(index).password = pw;
    },
    advance(ms: number): void {
      clock.advance(ms);
      bringUp();
    },
  };

  const control = await startControl(core, opts.controlPort ?? 0, () => clock.speed);

  return {
    ...core,
    controlUrl: control.url,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (upTimer) clearInterval(upTimer);
      await mdns?.stop();
      const closing: Promise<void>[] = [];
      const closeOne = (s: { close(cb: () => void): unknown }): void => {
        closing.push(new Promise<void>((r) => void s.close(() => r())));
      };
      for (const s of httpListeners) closeOne(s);
      for (const s of cgListeners) if (s) closeOne(s);
      for (const set of sockets) for (const s of set ?? []) s.destroy();
      http.closeAllConnections();
      control.server.closeAllConnections();
      closeOne(control.server);
      await Promise.all(closing);
    },
  };
}
