/**
 * The cgminer-style TCP API a vnish miner answers on port 4028.
 *
 * Request: JSON `{"command": "summary"}` (or the bare command text); reply: JSON terminated by a NUL
 * byte, then the connection closes. `version`, `summary`, `stats`, `pools`, `devs`, and `a+b` joins.
 * On firmware 1.3.0 `version` answers nothing, as NOTES.md reports; `stats` still identifies the miner.
 */
import type { Socket } from 'node:net';
import type { SimMiner } from './miner.js';

/** What the cgminer handler needs from the farm. */
export interface CgContext {
  now(): number;
}

function status(_m: SimMiner, code: number, msg: string, now: number, kind = 'S'): Record<string, unknown>[] {
  return [
    { STATUS: kind, When: Math.floor(now / 1000), Code: code, Msg: msg, Description: `cgminer 4.11.1` },
  ];
}

function typeString(m: SimMiner): string {
  return `${m.model.fullName} (${m.brand} ${m.firmware})`;
}

function elapsedS(m: SimMiner): number {
  return Math.max(0, Math.floor((m.t - m.stateSinceMs) / 1000));
}

function sections(m: SimMiner, cmd: string, now: number): Record<string, unknown> | null {
  const ghs = m.hrGhs;
  const accepted = m.pools.reduce((s, p) => s + p.accepted, 0);
  const rejected = m.pools.reduce((s, p) => s + p.rejected, 0);
  const stale = m.pools.reduce((s, p) => s + p.stale, 0);
  const hw = m.chains.reduce((s, c) => s + c.hwErrors, 0);
  switch (cmd) {
    case 'version':
      return {
        STATUS: status(m, 22, 'CGMiner versions', now),
        VERSION: [
          {
            CGMiner: '4.11.1',
            API: '3.7',
            Miner: m.firmware,
            CompileTime: 'Thu Oct 2 08:41:10 UTC 2025',
            Type: typeString(m),
          },
        ],
      };
    case 'summary':
      return {
        STATUS: status(m, 11, 'Summary', now),
        SUMMARY: [
          {
            Elapsed: elapsedS(m),
            'GHS 5s': ghs,
            'GHS av': Math.round(m.hrAvgGhs * 100) / 100,
            'GHS 30m': Math.round(m.hrAvgGhs * 100) / 100,
            'Found Blocks': m.foundBlocks,
            Getworks: accepted + rejected,
            Accepted: accepted,
            Rejected: rejected,
            'Hardware Errors': hw,
            Utility: elapsedS(m) > 0 ? Math.round((accepted / elapsedS(m)) * 6000) / 100 : 0,
            Discarded: 0,
            Stale: stale,
            'Get Failures': 0,
            'Local Work': accepted * 4,
            'Remote Failures': 0,
            'Network Blocks': 0,
            'Total MH': Math.round(m.hrAvgGhs * 1000 * elapsedS(m)),
            'Work Utility': 0,
            'Difficulty Accepted': accepted * 65536,
            'Difficulty Rejected': rejected * 65536,
            'Difficulty Stale': stale * 65536,
            'Best Share': m.bestShare,
            'Device Hardware%': 0,
            'Device Rejected%':
              accepted + rejected > 0 ? Math.round((rejected / (accepted + rejected)) * 10000) / 100 : 0,
            'Pool Rejected%':
              accepted + rejected > 0 ? Math.round((rejected / (accepted + rejected)) * 10000) / 100 : 0,
            'Pool Stale%': 0,
            'Last getwork': Math.floor(m.t / 1000),
          },
        ],
      };
    case 'stats': {
      const s: Record<string, unknown> = {
        STATS: 0,
        ID: 'BC50',
        Elapsed: elapsedS(m),
        Calls: 0,
        Wait: 0,
        Max: 0,
        Min: 99999999,
        'GHS 5s': ghs,
        'GHS av': Math.round(m.hrAvgGhs * 100) / 100,
        miner_count: m.chains.length,
        frequency: Math.round(m.presetFV().freqMhz),
        fan_num: m.model.fans,
        total_rateideal: m.nominalGhs(),
        total_freqavg: Math.round(m.presetFV().freqMhz),
        total_acn: m.model.chains * m.model.chipsPerChain,
        total_rate: ghs,
        rate_unit: 'GH',
        chain_power: Math.round(m.powerW),
      };
      m.fanRpm.forEach((rpm, i) => (s[`fan${i + 1}`] = rpm));
      m.chains.forEach((c, i) => {
        const n = i + 1;
        s[`temp${n}`] = m.pcbMaxOf(c);
        s[`temp2_${n}`] = m.chipMaxOf(c);
        s[`temp_chip${n}`] = `${m.chipMinOf(c)}-${m.chipMaxOf(c)}`;
        s[`chain_acn${n}`] = c.failed ? 0 : m.model.chipsPerChain;
        s[`chain_acs${n}`] = c.failed ? '' : 'o'.repeat(Math.min(8, m.model.chipsPerChain));
        s[`chain_hw${n}`] = c.hwErrors;
        s[`chain_rate${n}`] = c.hrGhs;
        s[`chain_rateideal${n}`] = Math.round(c.idealGhs * 100) / 100;
        s[`freq${n}`] = Math.round(c.freqMhz);
      });
      return {
        STATUS: status(m, 70, 'CGMiner stats', now),
        STATS: [
          {
            CGMiner: '4.11.1',
            Miner: m.firmware,
            CompileTime: 'Thu Oct 2 08:41:10 UTC 2025',
            Type: typeString(m),
          },
          s,
        ],
      };
    }
    case 'pools':
      return {
        STATUS: status(m, 7, `${m.pools.length} Pool(s)`, now),
        POOLS: m.pools.map((p, i) => ({
          POOL: i,
          URL: p.url,
          Status: p.fault === 'offline' ? 'Dead' : 'Alive',
          Priority: i,
          Quota: 1,
          'Long Poll': 'N',
          Getworks: p.accepted + p.rejected,
          Accepted: p.accepted,
          Rejected: p.rejected,
          Works: p.accepted * 4,
          Discarded: 0,
          Stale: p.stale,
          'Get Failures': p.fault === 'offline' ? 1 : 0,
          'Remote Failures': 0,
          User: p.user,
          'Last Share Time': Math.floor(p.lastShareMs / 1000),
          Diff: '65.5K',
          'Diff1 Shares': 0,
          'Proxy Type': '',
          Proxy: '',
          'Difficulty Accepted': p.diffa,
          'Difficulty Rejected': p.rejected * 65536,
          'Difficulty Stale': p.stale * 65536,
          'Last Share Difficulty': p.accepted > 0 ? 65536 : 0,
          'Has Stratum': true,
          'Stratum Active': i === m.activePool && p.fault !== 'offline',
          'Stratum URL': p.url.replace(/^stratum\+tcp:\/\//, ''),
          'Best Share': m.bestShare,
          'Pool Rejected%':
            p.accepted + p.rejected > 0
              ? Math.round((p.rejected / (p.accepted + p.rejected)) * 10000) / 100
              : 0,
          'Pool Stale%': 0,
        })),
      };
    case 'devs':
      return {
        STATUS: status(m, 9, `${m.chains.length} ASC(s)`, now),
        DEVS: m.chains.map((c, i) => ({
          ASC: i,
          Name: 'BC50',
          ID: i,
          Enabled: 'Y',
          Status: c.failed ? 'Dead' : 'Alive',
          Temperature: m.chipMaxOf(c),
          'MHS av': Math.round(c.hrGhs * 1000),
          'MHS 5s': Math.round(c.hrGhs * 1000),
          Accepted: Math.floor(accepted / m.chains.length),
          Rejected: Math.floor(rejected / m.chains.length),
          'Hardware Errors': c.hwErrors,
          Utility: 0,
          'Last Share Pool': m.activePool,
          'Last Share Time': Math.floor(m.t / 1000),
          'Total MH': Math.round(c.hrGhs * 1000 * elapsedS(m)),
          'Device Elapsed': elapsedS(m),
        })),
      };
    default:
      return null;
  }
}

/** Answer one cgminer API request text, or null when the firmware would stay silent. */
export function cgminerReply(m: SimMiner, text: string, now: number): string | null {
  let command = text.trim();
  try {
    const j = JSON.parse(command) as { command?: unknown };
    if (j && typeof j === 'object' && typeof j.command === 'string') command = j.command;
  } catch {
    // Plain-text form: "summary" or "summary|param".
    command = command.split('|')[0] ?? '';
  }
  const parts = command
    .split('+')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0)
    return JSON.stringify({ STATUS: status(m, 14, 'Invalid command', now, 'E'), id: 1 });
  if (parts.length === 1 && parts[0] === 'version' && /^1\.3\.0/.test(m.firmware)) return null;
  if (parts.length === 1) {
    const s = sections(m, parts[0] as string, now);
    return JSON.stringify(
      s ? { ...s, id: 1 } : { STATUS: status(m, 14, 'Invalid command', now, 'E'), id: 1 },
    );
  }
  const out: Record<string, unknown> = {};
  for (const p of parts) {
    const s = sections(m, p, now);
    out[p] = [s ? { ...s, id: 1 } : { STATUS: status(m, 14, 'Invalid command', now, 'E'), id: 1 }];
  }
  return JSON.stringify(out);
}

/** Serve one accepted cgminer socket. */
export function handleCgminerSocket(socket: Socket, m: SimMiner, ctx: CgContext): void {
  let buf = '';
  socket.setEncoding('utf8');
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', () => undefined);
  const answer = (): void => {
    const now = ctx.now();
    if (m.isDown(now)) return void socket.destroy();
    for (const f of m.netFault(now)) {
      if (f.spec.type === 'net-reset') return void socket.destroy();
      if (f.spec.type === 'net-timeout') return;
    }
    m.advanceTo(now);
    const reply = cgminerReply(m, buf.replace(/\0/g, ''), now);
    if (reply === null) return void socket.end();
    socket.end(reply + '\0');
  };
  socket.on('data', (d: string) => {
    buf += d;
    // A complete JSON object or a NUL/newline-terminated command ends the request.
    const t = buf.trim();
    if (t.endsWith('}') || buf.includes('\0') || buf.includes('\n')) {
      try {
        if (t.startsWith('{')) JSON.parse(t);
        socket.removeAllListeners('data');
        answer();
      } catch {
        // Incomplete JSON: wait for more.
      }
    }
  });
  socket.on('end', () => {
    if (socket.listenerCount('data') > 0 && buf.length > 0) answer();
  });
}
