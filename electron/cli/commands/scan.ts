/**
 * `hashwatch scan <target>...`: find the miners on a subnet (and, with --mdns, those that advertise).
 *
 * Shows a progress line on a terminal (stderr, so stdout stays clean for `--json`), then a table of
 * miners, or a JSON array of MinerSnapshot for vnish miners plus `{managed: false, ...}` entries for
 * miners on other firmwares. Ctrl-C stops the scan and still prints what was found.
 */
import { parseArgs } from 'node:util';
import type { FoundMiner } from '../../../shared/api/discovery.js';
import type { MinerSnapshot } from '../../../shared/miner.js';
import { createMdnsBrowse, DEFAULT_MDNS_DURATION_MS, type MdnsBrowse } from '../../core/discovery/mdns.js';
import { DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS } from '../../core/discovery/probe.js';
import { runScan, type ScanOutcome } from '../../core/discovery/scan.js';
import { stubSnapshot } from '../../core/discovery/snapshot-stub.js';
import { parseTargets, type TargetSet } from '../../core/discovery/targets.js';
import { formatTable, intOption, cliCredentials, usageMessage, UsageError, type CliIo } from '../args.js';
import { defaultMakeClient, SNAPSHOT_HEADER, SNAPSHOT_NUMERIC, snapshotRow, type CliDeps } from './status.js';

export interface ScanDeps extends CliDeps {
  /** The mDNS browse (tests inject one; default bonjour-service). */
  mdns?: MdnsBrowse;
  /** Aborts the scan (tests); Ctrl-C does the same from a terminal. */
  signal?: AbortSignal;
}

const HELP = `usage: hashwatch scan <target>... [--mdns] [--json] [--concurrency N] [--timeout MS]

  Finds miners by TCP probe (ports 80 and 4028) and fingerprinting; vnish miners are read in full,
  other firmwares (stock Antminer, Braiins OS, LuxOS, Whatsminer, Bitaxe) are listed as not managed.

  targets            10.0.0.0/22, 10.0.1-2.1-50, 10.0.0.1-10.0.0.50, host[:port], comma or space
                     separated lists, @file or a file path (one target per line, # comments);
                     at most 262,144 addresses (a /14) at once
  --mdns             also browse mDNS (alone when no target is given)
  --mdns-time MS     how long to browse mDNS (default ${DEFAULT_MDNS_DURATION_MS})
  --json             print a JSON array: MinerSnapshot per vnish miner, {managed: false, ...} per other
  --concurrency N    sockets in flight while probing (default ${DEFAULT_PROBE_CONCURRENCY})
  --timeout MS       TCP connect timeout per probe (default ${DEFAULT_PROBE_TIMEOUT_MS})
  --password-stdin   read the miners' web password from the first line of stdin
  --factory-password allow the factory default password 'admin' (off by default)

  exit codes: 0 done, 1 some vnish miners could not be read or the scan was interrupted, 2 bad arguments
`;

const KIND_NAMES: Record<FoundMiner['kind'], string> = {
  vnish: 'Vnish',
  antminer: 'stock Antminer',
  braiins: 'Braiins OS',
  luxos: 'LuxOS',
  whatsminer: 'Whatsminer',
  bitaxe: 'Bitaxe / AxeOS',
  cgminer: 'cgminer (unknown)',
};

/** The snapshot printed for a vnish miner: the real one, or identity plus why it could not be read. */
export function snapshotOf(m: FoundMiner & { managed: true }, polledAt: string): MinerSnapshot {
  return (
    m.snapshot ??
    stubSnapshot({
      address: m.address,
      mac: m.mac,
      model: m.model,
      firmware: { name: 'Vnish', version: m.firmwareVersion },
      state: 'unknown',
      stateDescription: m.error ? `${m.error.code}: ${m.error.message}` : 'not read',
      polledAt,
    })
  );
}

/** The JSON form of one scan result (see the command help). */
export function jsonEntry(m: FoundMiner, polledAt: string): unknown {
  if (m.managed) return snapshotOf(m, polledAt);
  return { managed: false, address: m.address, kind: m.kind, detail: m.detail, mac: m.mac, model: m.model };
}

function progressLine(probed: number, total: number, found: number): string {
  const pct = total > 0 ? Math.floor((probed / total) * 100) : 100;
  return `\r\x1b[2Kscanning ${probed.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${pct}%), found ${found}`;
}

export async function scanCommand(argv: string[], io: CliIo = process, deps: ScanDeps = {}): Promise<number> {
  let values;
  let targets: TargetSet;
  let concurrency: number | undefined;
  let timeoutMs: number | undefined;
  let mdnsTimeMs: number | undefined;
  try {
    let positionals: string[];
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        mdns: { type: 'boolean', default: false },
        'mdns-time': { type: 'string' },
        json: { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        'factory-password': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    }));
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    concurrency = intOption('concurrency', values.concurrency, 1, 8192);
    timeoutMs = intOption('timeout', values.timeout, 20, 60_000);
    mdnsTimeMs = intOption('mdns-time', values['mdns-time'], 100, 600_000);
    if (positionals.length === 0 && !values.mdns) throw new UsageError('give at least one target, or --mdns');
    targets = parseTargets(positionals, { allowFiles: true });
  } catch (e) {
    io.stderr.write(`hashwatch scan: ${usageMessage(e)}\n\n${HELP}`);
    return 2;
  }

  const credentials = await cliCredentials('scan', values, io);
  if (!credentials) return 2;

  const controller = new AbortController();
  const onAbort = () => controller.abort();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const tty = io.stderr.isTTY === true;
  const client = (deps.makeClient ?? defaultMakeClient)(credentials, {});
  let outcome: ScanOutcome;
  try {
    outcome = await runScan(
      { client, ...(values.mdns ? { mdns: deps.mdns ?? createMdnsBrowse() } : {}) },
      {
        targets,
        mdns: values.mdns ? (mdnsTimeMs !== undefined ? { durationMs: mdnsTimeMs } : true) : false,
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        signal: controller.signal,
        ...(tty ? { onProgress: (p) => io.stderr.write(progressLine(p.probed, p.total, p.found)) } : {}),
      },
    );
  } finally {
    process.removeListener('SIGINT', onSigint);
    deps.signal?.removeEventListener('abort', onAbort);
    await client.close();
  }
  if (tty) io.stderr.write('\r\x1b[2K');

  const polledAt = new Date((deps.now ?? Date.now)()).toISOString();
  const { miners, summary } = outcome;
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify(
        miners.map((m) => jsonEntry(m, polledAt)),
        null,
        2,
      )}\n`,
    );
  } else {
    const rows = miners.map((m) =>
      m.managed
        ? snapshotRow(snapshotOf(m, polledAt))
        : [m.address, m.mac ?? '-', m.model ?? '-', KIND_NAMES[m.kind], 'not managed', '-', '-', '-'],
    );
    if (rows.length > 0) io.stdout.write(formatTable(SNAPSHOT_HEADER, rows, SNAPSHOT_NUMERIC));
    for (const m of miners) {
      if (m.managed && m.previousAddress)
        io.stdout.write(`moved: ${m.mac} from ${m.previousAddress} to ${m.address}\n`);
    }
  }
  const failures = miners.filter((m) => m.managed && !m.snapshot);
  for (const m of failures) {
    if (m.managed && m.error)
      io.stderr.write(`hashwatch scan: ${m.address}: ${m.error.code}: ${m.error.message}\n`);
  }
  io.stderr.write(
    `${summary.cancelled ? 'interrupted after' : 'scanned'} ${summary.probed.toLocaleString('en-US')} of ` +
      `${summary.total.toLocaleString('en-US')} addresses in ${(summary.durationMs / 1000).toFixed(1)} s: ` +
      `${summary.responsive} responsive, ${summary.vnish} vnish, ${summary.other} other` +
      `${summary.mdnsCandidates ? `, ${summary.mdnsCandidates} from mDNS` : ''}\n`,
  );
  return failures.length > 0 || summary.cancelled ? 1 : 0;
}
