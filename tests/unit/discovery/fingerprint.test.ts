import { describe, expect, it } from 'vitest';
import {
  classify,
  type FingerprintIo,
  type HttpReply,
} from '../../../electron/core/discovery/fingerprint.js';

interface FakeHost {
  http?: Record<string, Partial<HttpReply> & { body?: string }>;
  cgminer?: Record<string, unknown>;
}

/** A host that answers only what it is given; everything else 404 (HTTP) or silence (cgminer). */
function io(host: FakeHost): FingerprintIo & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    http: async (path) => {
      asked.push(`GET ${path}`);
      const r = host.http?.[path];
      if (!r) return { status: 404, contentType: 'text/plain', body: 'not found' };
      return { status: 200, contentType: 'application/json', body: '', ...r };
    },
    cgminer: async (command) => {
      asked.push(`cgminer ${command}`);
      return host.cgminer?.[command] ?? null;
    },
  };
}

const both = { http: true, cgminer: true };
const vnishInfo = JSON.stringify({
  miner: 'Antminer S19j Pro',
  model: 's19jpro',
  fw_name: 'Vnish',
  fw_version: '1.2.7',
  system: { network_status: { mac: '02:AB:CD:00:00:01', hostname: 'Antminer' } },
});
const anthill = '<!doctype html><html><head><title>AnthillOS</title></head><body></body></html>';

describe('classify: vnish', () => {
  it('recognises vnish from /api/v1/info with one request, taking MAC, model and version', async () => {
    const host = io({ http: { '/api/v1/info': { body: vnishInfo } } });
    const fp = await classify(host, both);
    expect(fp).toMatchObject({
      managed: true,
      kind: 'vnish',
      mac: '02:ab:cd:00:00:01',
      model: 's19jpro',
      version: '1.2.7',
    });
    expect(fp?.detail).toMatch(/Vnish 1\.2\.7/);
    expect(host.asked).toEqual(['GET /api/v1/info']);
  });

  it('recognises vnish from the AnthillOS web UI when /api/v1/info is not JSON', async () => {
    const fp = await classify(
      io({
        http: {
          '/api/v1/info': { status: 500, body: 'oops' },
          '/': { contentType: 'text/html', body: anthill },
        },
      }),
      { http: true, cgminer: false },
    );
    expect(fp).toMatchObject({ managed: true, kind: 'vnish' });
    expect(fp?.detail).toMatch(/AnthillOS/);
  });

  it('recognises vnish from the cgminer stats Type when only 4028 answers (1.3.0 has no version reply)', async () => {
    const fp = await classify(
      io({
        cgminer: {
          stats: {
            STATUS: [{ STATUS: 'S' }],
            STATS: [{ Type: 'Antminer S19 XP (Vnish 1.2.0-rc1)' }, { Elapsed: 5 }],
          },
        },
      }),
      { http: false, cgminer: true },
    );
    expect(fp).toMatchObject({
      managed: true,
      kind: 'vnish',
      model: 'Antminer S19 XP',
      version: '1.2.0-rc1',
    });
  });

  it('recognises a white-label vnish build by its cgminer version reply', async () => {
    const fp = await classify(
      io({
        cgminer: {
          version: { VERSION: [{ Type: 'Antminer T21 (7Miners 1.2.6-rc1)', Miner: 'vnish 1.2.6' }] },
        },
      }),
      { http: false, cgminer: true },
    );
    expect(fp).toMatchObject({ managed: true, kind: 'vnish' });
  });
});

describe('classify: other firmwares are found but never managed', () => {
  it('stock Antminer: 401 with a realm on GET / and a cgminer Type without Vnish', async () => {
    const fp = await classify(
      io({
        http: {
          '/': { status: 401, body: '', wwwAuthenticate: 'Digest realm="antMiner Configuration", nonce="1"' },
        },
        cgminer: {
          stats: { STATS: [{ BMMiner: '1.0.0', Miner: 'uart_trans.1.3', Type: 'Antminer S19j Pro' }] },
          version: { VERSION: [{ BMMiner: '1.0.0', Type: 'Antminer S19j Pro' }] },
        },
      }),
      both,
    );
    expect(fp).toMatchObject({ managed: false, kind: 'antminer', model: 'Antminer S19j Pro' });
    expect(fp?.detail).toMatch(/Antminer S19j Pro/);
    expect(fp?.detail).toMatch(/antMiner Configuration/);
  });

  it('stock Antminer with only the web login visible', async () => {
    const fp = await classify(
      io({ http: { '/': { status: 401, body: '', wwwAuthenticate: 'Basic realm="antMiner"' } } }),
      { http: true, cgminer: false },
    );
    expect(fp).toMatchObject({ managed: false, kind: 'antminer' });
    expect(fp?.detail).toMatch(/realm "antMiner"/);
  });

  it('Braiins OS by its cgminer version (BOSminer) or its web UI', async () => {
    const byCg = await classify(
      io({
        cgminer: {
          stats: { STATS: [{ Type: 'Antminer S19j Pro' }] },
          version: { VERSION: [{ BOSminer: '0.2.0-8e6a0c5e5', API: '3.7' }] },
        },
      }),
      { http: false, cgminer: true },
    );
    expect(byCg).toMatchObject({ managed: false, kind: 'braiins' });
    const byWeb = await classify(
      io({ http: { '/': { contentType: 'text/html', body: '<title>Braiins OS</title>' } } }),
      { http: true, cgminer: false },
    );
    expect(byWeb).toMatchObject({ managed: false, kind: 'braiins' });
  });

  it('LuxOS by its cgminer version (LUXminer), even though it reports an Antminer Type', async () => {
    const fp = await classify(
      io({
        cgminer: {
          stats: { STATS: [{ Type: 'Antminer S19 XP' }] },
          version: {
            VERSION: [{ LUXminer: '2024.5.1.171238-2fb0b3a5', API: '3.7', Type: 'Antminer S19 XP' }],
          },
        },
      }),
      both,
    );
    expect(fp).toMatchObject({ managed: false, kind: 'luxos', model: 'Antminer S19 XP' });
    expect(fp?.detail).toMatch(/LUXminer/);
  });

  it('Whatsminer by btminer / whatsminer in its API replies', async () => {
    const fp = await classify(
      io({
        cgminer: {
          version: { STATUS: 'S', Code: 131, Msg: { api_ver: 'whatsminer v1.3', fw_ver: '20230911.22.REL' } },
        },
      }),
      { http: false, cgminer: true },
    );
    expect(fp).toMatchObject({ managed: false, kind: 'whatsminer' });
    const bt = await classify(io({ cgminer: { stats: { STATS: [{ Miner: 'btminer', Type: 'M30S+' }] } } }), {
      http: false,
      cgminer: true,
    });
    expect(bt).toMatchObject({ managed: false, kind: 'whatsminer' });
  });

  it('Bitaxe / AxeOS by /api/system/info, with its MAC', async () => {
    const fp = await classify(
      io({
        http: {
          '/': { contentType: 'text/html', body: '<title>AxeOS</title>' },
          '/api/system/info': {
            body: JSON.stringify({
              ASICModel: 'BM1366',
              hashRate: 512.3,
              version: 'v2.1.0',
              macAddr: 'AA:BB:CC:DD:EE:01',
            }),
          },
        },
      }),
      { http: true, cgminer: false },
    );
    expect(fp).toMatchObject({ managed: false, kind: 'bitaxe', model: 'BM1366', mac: 'aa:bb:cc:dd:ee:01' });
  });

  it('does not take a page that merely mentions vnish, or JSON with another fw_name, for vnish', async () => {
    const notVnish = await classify(
      io({
        http: {
          '/api/v1/info': { body: JSON.stringify({ fw_name: 'Braiins OS', fw_version: '23.03' }) },
          '/': { contentType: 'text/html', body: '<p>We migrated from Vnish to Braiins OS</p>' },
        },
      }),
      { http: true, cgminer: false },
    );
    expect(notVnish).toMatchObject({ managed: false, kind: 'braiins' });
  });
});

describe('classify: not a miner', () => {
  it('returns null for a plain web server, a silent cgminer port and garbage JSON', async () => {
    expect(
      await classify(
        io({ http: { '/': { contentType: 'text/html', body: '<title>Switch admin</title>' } } }),
        both,
      ),
    ).toBeNull();
    expect(await classify(io({}), { http: false, cgminer: true })).toBeNull();
    expect(
      await classify(
        io({ http: { '/api/v1/info': { body: '{"fw_name": ' } }, cgminer: { stats: 42 } }),
        both,
      ),
    ).toBeNull();
  });
});
