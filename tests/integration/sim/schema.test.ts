/**
 * Every response body of every endpoint, per firmware generation, against the vendor's OpenAPI schema.
 *
 * Where NOTES.md says real firmware differs from the document, the simulator follows the firmware; each
 * such difference is listed ONCE, with its reason, in FIRMWARE_EXCEPTIONS below. Any other schema error
 * fails the test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../../electron/sim/index.js';
import { call, unlock } from './helpers.js';

// The vendor documents live in ../shared/vnish-api beside the checkout; a copy in tests/fixtures keeps the
// test runnable in a checkout without it (the copy is checked against the original when both exist).
const sharedDir = fileURLToPath(new URL('../../../../shared/vnish-api/', import.meta.url));
const fixtureDir = fileURLToPath(new URL('../../fixtures/vnish-api/', import.meta.url));
const apiDir = existsSync(`${sharedDir}v1.2.7.openapi.json`) ? sharedDir : fixtureDir;
const docs = {
  '1.2': JSON.parse(readFileSync(`${apiDir}v1.2.7.openapi.json`, 'utf8')) as Record<string, unknown>,
  '1.3': JSON.parse(readFileSync(`${apiDir}v1.3.4.openapi.json`, 'utf8')) as Record<string, unknown>,
};

/** Known, intended differences between real firmware and the vendor document (NOTES.md). */
const FIRMWARE_EXCEPTIONS: {
  firmware: RegExp;
  endpoint: string;
  path: RegExp;
  missing?: string;
  keyword?: string;
  reason: string;
}[] = [
  {
    firmware: /^1\.2\.0/,
    endpoint: 'GET /info',
    path: /^$/,
    missing: 'algorithm',
    reason: 'versions before 1.2.6 have no algorithm in /info (NOTES.md)',
  },
  {
    firmware: /^1\.2\.0/,
    endpoint: 'GET /info',
    path: /^$/,
    missing: 'serial',
    reason: 'versions before 1.2.6 have no serial in /info (NOTES.md)',
  },
  {
    firmware: /^1\.2\.0/,
    endpoint: 'GET /summary',
    path: /^\/miner\/cooling\/fans\/\d+$/,
    missing: 'status',
    reason: 'fan status is missing on 1.2.0 (NOTES.md)',
  },
  {
    firmware: /^1\.2\.0/,
    endpoint: 'GET /summary',
    path: /^\/miner\/cooling\/fans\/\d+$/,
    missing: 'max_rpm',
    reason: 'fan max_rpm is missing on 1.2.0 (NOTES.md)',
  },
  {
    firmware: /^1\.2\.0/,
    endpoint: 'GET /summary',
    path: /^\/miner\/chains\/\d+$/,
    missing: 'power_consumption',
    reason: 'chains on older firmware have only power_usage (NOTES.md)',
  },
  {
    firmware: /./,
    endpoint: 'GET /autotune/presets#wrapped',
    path: /^$/,
    keyword: 'type',
    reason:
      'some builds/clients use {"presets": [...]}; the simulator can answer so to exercise clients (NOTES.md); the inner array is validated',
  },
];

function makeValidator(
  doc: Record<string, unknown>,
): (path: string, method: string, status: number) => ValidateFunction | null {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'float', 'double', 'binary']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'doc', components: doc.components, paths: doc.paths });
  const cache = new Map<string, ValidateFunction | null>();
  return (path, method, status) => {
    const key = `${method} ${path} ${status}`;
    if (!cache.has(key)) {
      const paths = doc.paths as Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
      >;
      const schema = paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
      const ptr = `doc#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema`;
      cache.set(key, schema ? ajv.compile({ $ref: ptr }) : null);
    }
    return cache.get(key) ?? null;
  };
}

const validators = { '1.2': makeValidator(docs['1.2']), '1.3': makeValidator(docs['1.3']) };

function excepted(firmware: string, endpoint: string, e: ErrorObject): boolean {
  return FIRMWARE_EXCEPTIONS.some(
    (x) =>
      x.firmware.test(firmware) &&
      x.endpoint === endpoint &&
      x.path.test(e.instancePath) &&
      (x.missing === undefined ||
        (e.keyword === 'required' &&
          (e.params as { missingProperty?: string }).missingProperty === x.missing)) &&
      (x.keyword === undefined || e.keyword === x.keyword),
  );
}

/** Errors not explained by an exception; a oneOf/nullable wrapper around excepted errors is explained too. */
function unexpectedErrors(firmware: string, endpoint: string, errors: ErrorObject[]): ErrorObject[] {
  const ok = errors.filter((e) => excepted(firmware, endpoint, e));
  return errors.filter((e) => {
    if (excepted(firmware, endpoint, e)) return false;
    const wrapper =
      e.keyword === 'oneOf' ||
      e.keyword === 'anyOf' ||
      (e.keyword === 'type' && (e.params as { type?: string }).type === 'null');
    return !(wrapper && ok.some((o) => o.instancePath.startsWith(e.instancePath)));
  });
}

let farm: Farm;
const checked: string[] = [];

/** Validate one answer against the document of the miner's generation. */
function expectValid(
  firmware: string,
  docPath: string,
  method: string,
  status: number,
  body: unknown,
  tag = '',
): void {
  const gen = firmware.startsWith('1.3') ? '1.3' : '1.2';
  const v = validators[gen](docPath, method, status);
  expect(v, `the ${gen} document has a schema for ${method} ${docPath} ${status}`).not.toBeNull();
  if (!v) return;
  const endpoint = `${method.toUpperCase()} ${docPath}${tag}`;
  const ok = v(body);
  const errs = ok ? [] : unexpectedErrors(firmware, endpoint, v.errors ?? []);
  expect(errs, `${firmware} ${endpoint}: ${JSON.stringify(errs.slice(0, 5))}`).toEqual([]);
  checked.push(`${firmware} ${endpoint} ${status}`);
}

beforeAll(async () => {
  farm = await startFarm({
    seed: 11,
    speed: 0,
    startTimeMs: Date.UTC(2026, 5, 1, 12),
    scenario: {
      groups: [
        { count: 1, model: 's19jpro', firmware: '1.2.0' },
        { count: 1, model: 's19xp', firmware: '1.2.7' },
        { count: 1, model: 's21', firmware: '1.3.4' },
        { count: 1, model: 's21plus-hydro', firmware: '1.3.4' },
        { count: 1, model: 's19jpro', firmware: '1.2.6', presetsWrapped: true },
      ],
      timing: { autotuneS: 600 },
    },
  });
  farm.advance(10 * 60_000); // some /metrics history
});

afterAll(async () => {
  await farm?.close();
});

describe('vendor OpenAPI schemas', () => {
  for (const index of [0, 1, 2, 3, 4]) {
    it(`miner ${index}: every endpoint's body validates`, async () => {
      const mi = farm.miners[index]!;
      const fw = mi.firmware;
      const a = mi.address;
      const gen13 = fw.startsWith('1.3');
      const get = async (p: string, token?: string) => call(a, 'GET', `/api/v1${p}`, token ? { token } : {});
      for (const p of [
        '/info',
        '/model',
        '/status',
        '/summary',
        '/perf-summary',
        '/chains/factory-info',
        '/notes',
      ]) {
        const r = await get(p);
        expect(r.status, p).toBe(200);
        expectValid(fw, p, 'get', 200, r.json);
      }
      const chains = await get(gen13 ? '/boards' : '/chains');
      expect(chains.status).toBe(200);
      expectValid(fw, gen13 ? '/boards' : '/chains', 'get', 200, chains.json);
      const metrics = await get('/metrics?time_slice=3600&step=60');
      expect((metrics.json as { metrics: unknown[] }).metrics.length).toBeGreaterThan(5);
      expectValid(fw, '/metrics', 'get', 200, metrics.json);

      const token = await unlock(a);
      expectValid(fw, '/unlock', 'post', 200, { token });
      const check = await get('/auth-check', token);
      expect(check.status).toBe(200);
      expectValid(fw, '/auth-check', 'get', 200, check.json);
      const presets = await get('/autotune/presets', token);
      if (Array.isArray(presets.json)) expectValid(fw, '/autotune/presets', 'get', 200, presets.json);
      else {
        expectValid(fw, '/autotune/presets', 'get', 200, presets.json, '#wrapped');
        expectValid(fw, '/autotune/presets', 'get', 200, (presets.json as { presets: unknown }).presets);
      }
      const settings = await get('/settings', token);
      expectValid(fw, '/settings', 'get', 200, settings.json);
      const save = await call(a, 'POST', '/api/v1/settings', {
        token,
        body: { miner: { misc: { quiet_mode: true } } },
      });
      expectValid(fw, '/settings', 'post', 200, save.json);
      const find = await call(a, 'POST', '/api/v1/find-miner', { token });
      expectValid(fw, '/find-miner', 'post', 200, find.json);
      if (gen13) {
        const loc = await call(a, 'POST', '/api/v1/locate-miner', { token });
        expectValid(fw, '/locate-miner', 'post', 200, loc.json);
        const thr = await call(a, 'POST', '/api/v1/mining/throttle', { token, body: { percent: 80 } });
        expectValid(fw, '/mining/throttle', 'post', 200, thr.json);
      }
      const badPool = await call(a, 'POST', '/api/v1/mining/switch-pool', { token, body: { pool_id: 99 } });
      expect(badPool.status).toBe(500);
      expectValid(fw, '/mining/switch-pool', 'post', 500, badPool.json);

      // A preset change drives the miner through restarting / starting / auto-tuning: shapes hold there too.
      const presetList = (
        Array.isArray(presets.json) ? presets.json : (presets.json as { presets: unknown[] }).presets
      ) as { name: string; status: string }[];
      const untuned = presetList.find((p) => p.name !== 'disabled' && p.status === 'untuned');
      expect(untuned).toBeDefined();
      await call(a, 'POST', '/api/v1/settings', {
        token,
        body: { miner: { overclock: { preset: untuned!.name } } },
      });
      for (const stepMs of [5_000, 20_000, 40_000]) {
        farm.advance(stepMs);
        const s = await get('/summary');
        expectValid(fw, '/summary', 'get', 200, s.json);
        expectValid(fw, '/status', 'get', 200, (await get('/status')).json);
      }
      // Failure shapes: a failed chain and a dead fan.
      farm.injectFault(index, { type: 'chain', chain: 0 });
      farm.injectFault(index, { type: 'fan', fan: 0 });
      farm.advance(10_000);
      expectValid(fw, '/summary', 'get', 200, (await get('/summary')).json);
      expectValid(
        fw,
        gen13 ? '/boards' : '/chains',
        'get',
        200,
        (await get(gen13 ? '/boards' : '/chains')).json,
      );

      const wrong = await call(a, 'POST', '/api/v1/unlock', { body: { pw: 'nope' } });
      expect(wrong.status).toBe(403);
      expectValid(fw, '/unlock', 'post', 403, wrong.json);
      const reboot = await call(a, 'POST', '/api/v1/system/reboot', { token });
      expect(reboot.status).toBe(200);
      expectValid(fw, '/system/reboot', 'post', 200, reboot.json);
    });
  }

  it('covered every generation', () => {
    for (const fw of ['1.2.0', '1.2.6', '1.2.7', '1.3.4'])
      expect(checked.some((c) => c.startsWith(fw))).toBe(true);
  });
});

describe('the vendored copy of the OpenAPI documents', () => {
  it.runIf(existsSync(`${sharedDir}v1.2.7.openapi.json`))('matches ../shared/vnish-api', () => {
    for (const f of ['v1.2.7.openapi.json', 'v1.3.4.openapi.json']) {
      expect(readFileSync(`${fixtureDir}${f}`, 'utf8')).toBe(readFileSync(`${sharedDir}${f}`, 'utf8'));
    }
  });
});
