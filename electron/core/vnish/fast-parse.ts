/**
 * Hand-rolled twins of the per-poll raw schemas (`/summary`, `/perf-summary`), for the hot path only.
 *
 * At 10,000 miners every 5 s, zod's generic machinery for the loose, all-optional `/summary` schema was
 * the largest single cost of a poll after GC. These twins walk a shape description with no issue
 * objects, contexts or closures. They are not a second source of truth: on anything they are not
 * sure of (a wrong type, a non-plain object, `undefined`, a `__proto__` key, non-finite uptime) they
 * give up and the caller runs the zod schema, which then accepts or names the bad field exactly as
 * before. When they succeed, their output equals the schema's (tested with fast-check in
 * tests/unit/vnish/fast-parse.test.ts).
 */
import type { z } from 'zod';
import { RawPerfSummarySchema, RawSummarySchema, toFiniteOrNull } from './schemas.js';

/** Returned by a twin that is not sure: run the zod schema instead. */
export const UNSURE: unique symbol = Symbol('unsure');

/** `num`, `str`, `bool` leaves of schemas.ts; `uptime` is `string | number` (finite) kept as is. */
type Leaf = 'num' | 'str' | 'bool' | 'uptime';
interface ObjSpec {
  readonly obj: Readonly<Record<string, Spec>>;
  readonly keys: readonly string[];
}
interface ArrSpec {
  readonly arr: Spec;
}
type Spec = Leaf | ObjSpec | ArrSpec;

const isPlain = (v: object): v is Record<string, unknown> => {
  if (Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * One value against a spec, copied into the schema's output. Objects and arrays may be null (every one
 * in these schemas is). A body fresh from JSON.parse goes through the compiled in-place twin instead
 * (`compileInPlace`), which changes it where it lies.
 */
function walk(spec: Spec, v: unknown, nullableItem: boolean): unknown {
  switch (spec) {
    case 'num':
      return v === null || typeof v === 'number' || typeof v === 'string' ? toFiniteOrNull(v) : UNSURE;
    case 'str':
      if (typeof v === 'string' || v === null) return v;
      if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
      return UNSURE;
    case 'bool':
      return typeof v === 'boolean' || v === null ? v : UNSURE;
    case 'uptime':
      if (typeof v === 'string' || v === null) return v;
      return typeof v === 'number' && Number.isFinite(v) ? v : UNSURE;
  }
  if (v === null) return nullableItem ? null : UNSURE;
  if (typeof v !== 'object') return UNSURE;
  if ('arr' in spec) {
    if (!Array.isArray(v)) return UNSURE;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      // Array items are not nullable in the schemas.
      const r = walk(spec.arr, v[i], false);
      if (r === UNSURE) return UNSURE;
      out[i] = r;
    }
    return out;
  }
  if (!isPlain(v)) return UNSURE;
  const fields = spec.obj;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    if (k === '__proto__') return UNSURE;
    const x = v[k];
    if (x === undefined) return UNSURE;
    const f = hasOwn(fields, k) ? fields[k] : undefined;
    if (f === undefined) {
      // Loose: unknown fields pass through untouched.
      out[k] = x;
      continue;
    }
    const r = walk(f, x, true);
    if (r === UNSURE) return UNSURE;
    out[k] = r;
  }
  return out;
}

/**
 * The in-place twin of one object spec, compiled to a function with the field names written out.
 * A poll's body goes through this path: the generic walk's `v[k]` loads, with a different key and
 * shape at every step, ran through V8's megamorphic lookup and were about a third of a poll's parse
 * cost; named loads are not. The generated text is built only from the specs below (constant field
 * names, JSON-quoted), never from a body. It returns `v`, changed where the schema would change it,
 * or `UNSURE`; the caller has checked that `v` is a plain object. Same rules as `walk`, but the body is
 * changed where the schema would change it and returned, so a poll allocates no second copy of it. The
 * changes are what the schema does (numeric strings to numbers, numbers to strings), so when it gives up
 * half-way the schema run on the half-changed body gives the same result as on the original.
 */
type InPlace = (v: Record<string, unknown>) => unknown;
function compileInPlace(spec: ObjSpec): InPlace {
  const subs: InPlace[] = [];
  const sub = (s: ObjSpec) => subs.push(compileInPlace(s)) - 1;
  // Code that sets `r` from `x` (a present value) or returns U; `nullable` for object/array values.
  const check = (f: Spec, nullable: boolean): string => {
    switch (f) {
      case 'num':
        return `if (x === null || typeof x === 'number' || typeof x === 'string') r = fin(x); else return U;`;
      case 'str':
        return `if (typeof x === 'string' || x === null) r = x; else if (typeof x === 'number') r = Number.isFinite(x) ? String(x) : null; else return U;`;
      case 'bool':
        return `if (typeof x === 'boolean' || x === null) r = x; else return U;`;
      case 'uptime':
        return `if (typeof x === 'string' || x === null || (typeof x === 'number' && Number.isFinite(x))) r = x; else return U;`;
    }
    const orNull = nullable ? `if (x === null) r = null; else ` : `if (x === null) return U; else `;
    if ('arr' in f) {
      return `${orNull}{ if (!Array.isArray(x)) return U; const a = x; for (let i = 0; i < a.length; i++) { const y = a[i]; { const x = y; let r; ${check(f.arr, false)} if (!Object.is(r, y)) a[i] = r; } } r = a; }`;
    }
    return `${orNull}{ if (typeof x !== 'object' || !isPlain(x) || s${sub(f)}(x) === U) return U; r = x; }`;
  };
  const body = spec.keys
    .map((k) => {
      const key = JSON.stringify(k);
      return `x = v[${key}]; if (x !== undefined) { ${check(spec.obj[k]!, true)} if (!Object.is(r, x)) v[${key}] = r; }`;
    })
    .join('\n');
  const code =
    `${subs.map((_, i) => `const s${i} = subs[${i}];`).join('\n')}\n` +
    `return function inPlace(v) {\n` +
    // JSON.parse makes `__proto__` an own field; the schema drops it.
    `if (hasOwn(v, '__proto__')) return U;\nlet x, r;\n${body}\nreturn v;\n};`;
  const make = new Function('U', 'isPlain', 'hasOwn', 'fin', 'subs', code) as (
    u: typeof UNSURE,
    isPlainFn: typeof isPlain,
    hasOwnFn: typeof hasOwn,
    fin: typeof toFiniteOrNull,
    subs: InPlace[],
  ) => InPlace;
  return make(UNSURE, isPlain, hasOwn, toFiniteOrNull, subs);
}

const obj = (o: Record<string, Spec>): ObjSpec => ({ obj: o, keys: Object.keys(o) });
const arr = (item: Spec): ArrSpec => ({ arr: item });

const tempRange = obj({ min: 'num', max: 'num' });
const systemInfo = obj({
  os: 'str',
  miner_name: 'str',
  uptime: 'uptime',
  network_status: obj({ mac: 'str', hostname: 'str', ip: 'str', dhcp: 'bool' }),
  mac: 'str',
  hostname: 'str',
  ip: 'str',
});

/** Mirrors `RawSummarySchema` (schemas.ts): keep the two in step. */
const summarySpec = obj({
  miner: obj({
    miner_status: obj({
      miner_state: 'str',
      miner_state_time: 'num',
      description: 'str',
      failure_code: 'num',
      throttled: 'num',
    }),
    miner_type: 'str',
    hr_stock: 'num',
    average_hashrate: 'num',
    instant_hashrate: 'num',
    hr_realtime: 'num',
    hr_nominal: 'num',
    hr_average: 'num',
    pcb_temp: tempRange,
    chip_temp: tempRange,
    power_consumption: 'num',
    power_usage: 'num',
    power_efficiency: 'num',
    hw_errors_percent: 'num',
    hr_error: 'num',
    hw_errors: 'num',
    devfee_percent: 'num',
    devfee: 'num',
    pools: arr(
      obj({
        id: 'num',
        url: 'str',
        pool_type: 'str',
        user: 'str',
        status: 'str',
        accepted: 'num',
        rejected: 'num',
        stale: 'num',
      }),
    ),
    cooling: obj({
      fan_num: 'num',
      fan_duty: 'num',
      fans: arr(obj({ id: 'num', rpm: 'num', status: 'str', max_rpm: 'num' })),
    }),
    chains: arr(
      obj({
        id: 'num',
        frequency: 'num',
        voltage: 'num',
        power_consumption: 'num',
        power_usage: 'num',
        hashrate_ideal: 'num',
        hashrate_rt: 'num',
        hashrate_percentage: 'num',
        hr_error: 'num',
        hw_errors: 'num',
        pcb_temp: tempRange,
        chip_temp: tempRange,
        chip_statuses: obj({ red: 'num', orange: 'num', grey: 'num' }),
        status: obj({ state: 'str', description: 'str' }),
        inlet_water_temp: 'num',
        outlet_water_temp: 'num',
      }),
    ),
    found_blocks: 'num',
    best_share: 'num',
    restart_count: 'num',
  }),
  system: systemInfo,
});

/** Mirrors `RawPerfSummarySchema` (schemas.ts). */
const perfSummarySpec = obj({
  current_preset: obj({
    name: 'str',
    pretty: 'str',
    status: 'str',
    modded_psu_required: 'bool',
    globals: obj({ freq: 'num', volt: 'num' }),
  }),
  preset_switcher: obj({
    enabled: 'bool',
    min_preset: 'str',
    top_preset: 'str',
    decrease_temp: 'num',
    rise_temp: 'num',
    check_time: 'num',
    autochange_top_preset: 'bool',
    ignore_fan_speed: 'bool',
    power_delta: 'num',
  }),
});

const twins = new Map<z.ZodType, { spec: ObjSpec; inPlace: InPlace }>([
  [RawSummarySchema, { spec: summarySpec, inPlace: compileInPlace(summarySpec) }],
  [RawPerfSummarySchema, { spec: perfSummarySpec, inPlace: compileInPlace(perfSummarySpec) }],
]);

/**
 * The schema's output for `value` computed without zod, or `UNSURE` (then run the schema). Only
 * `/summary` and `/perf-summary` have twins; every other schema answers `UNSURE`. `inPlace` only for
 * a value fresh from JSON.parse that nobody else holds: it is then changed into the output.
 */
export function fastParse(schema: z.ZodType, value: unknown, inPlace = false): unknown {
  const twin = twins.get(schema);
  // The top level is not nullable: zod refuses a null body.
  if (twin === undefined || value === null) return UNSURE;
  if (!inPlace) return walk(twin.spec, value, false);
  if (typeof value !== 'object' || !isPlain(value)) return UNSURE;
  return twin.inPlace(value);
}
