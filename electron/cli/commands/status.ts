/**
 * `hashwatch status <host[:port]>...`: one normalised snapshot per miner, as a table or as JSON.
 *
 * `--json` prints a JSON array of MinerSnapshot exactly as `shared/miner.ts` defines it (other tools
 * read it). An unreachable miner is in the array as `state: "offline"`; any miner that could not be
 * read is named on stderr and makes the exit code 1, while the others are still printed.
 */
import { parseArgs } from 'node:util';
import { toAppError } from '../../../shared/errors.js';
import type { MinerSnapshot } from '../../../shared/miner.js';
import type { CredentialProvider } from '../../core/credentials/provider.js';
import type { DiscoveryClient } from '../../core/discovery/scan.js';
import { stubSnapshot } from '../../core/discovery/snapshot-stub.js';
import { parseTargets, targetAddress } from '../../core/discovery/targets.js';
import { createVnishClient } from '../../core/vnish/index.js';
import { formatTable, intOption, cliCredentials, usageMessage, UsageError, type CliIo } from '../args.js';

/** The client a command uses; tests inject one, the CLI builds the real one. */
export type CliClient = DiscoveryClient & { close(): unknown };

export interface CliDeps {
  /** Builds the vnish client over the given credentials (default: the real client). */
  makeClient?: (credentials: CredentialProvider, timeouts: { connectTimeoutMs?: number }) => CliClient;
  /** The clock for `polledAt` of unreachable miners. */
  now?: () => number;
}

const HELP = `usage: hashwatch status <host[:port]>... [--json] [--password-stdin] [--timeout MS]

  Reads each miner's state through the vnish API and prints one line per miner.

  --json             print a JSON array of MinerSnapshot (field names are stable)
  --password-stdin   read the miners' web password from the first line of stdin
  --factory-password allow the factory default password 'admin' (off by default)
  --timeout MS       connect timeout per request (default 1500)

  exit codes: 0 all miners read, 1 some could not be read (the rest are printed), 2 bad arguments
`;

/** Default client construction shared by `scan` and `status`. */
export function defaultMakeClient(
  credentials: CredentialProvider,
  t: { connectTimeoutMs?: number },
): CliClient {
  return createVnishClient({
    credentials,
    ...(t.connectTimeoutMs !== undefined ? { connectTimeoutMs: t.connectTimeoutMs } : {}),
  }) as unknown as CliClient;
}

const fmt = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));

/** The table `status` and `scan` print: address, MAC, model, firmware, state, TH/s, W, J/TH. */
export function snapshotRow(s: MinerSnapshot): string[] {
  return [
    s.address,
    s.mac ?? '-',
    s.model ?? '-',
    [s.firmware.name, s.firmware.version].filter(Boolean).join(' ') || '-',
    s.state,
    fmt(s.hashrateAvgThs ?? s.hashrateThs, 2),
    fmt(s.powerW, 0),
    fmt(s.efficiencyJth, 1),
  ];
}
export const SNAPSHOT_HEADER = ['ADDRESS', 'MAC', 'MODEL', 'FIRMWARE', 'STATE', 'TH/S', 'W', 'J/TH'];
export const SNAPSHOT_NUMERIC: ReadonlySet<number> = new Set([5, 6, 7]);

const UNREACHABLE = new Set(['Unreachable', 'Timeout']);

export async function statusCommand(
  argv: string[],
  io: CliIo = process,
  deps: CliDeps = {},
): Promise<number> {
  let values;
  let positionals: string[];
  let timeoutMs: number | undefined;
  let addresses: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        'password-stdin': { type: 'boolean', default: false },
        'factory-password': { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    }));
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('give at least one miner address');
    timeoutMs = intOption('timeout', values.timeout, 50, 60_000);
    addresses = [...parseTargets(positionals, { allowFiles: true, maxAddresses: 4096 })].map(targetAddress);
  } catch (e) {
    io.stderr.write(`hashwatch status: ${usageMessage(e)}\n\n${HELP}`);
    return 2;
  }

  const credentials = await cliCredentials('status', values, io);
  if (!credentials) return 2;

  const now = deps.now ?? Date.now;
  const client = (deps.makeClient ?? defaultMakeClient)(credentials, {
    ...(timeoutMs !== undefined ? { connectTimeoutMs: timeoutMs } : {}),
  });
  const snapshots: Array<MinerSnapshot | null> = new Array<MinerSnapshot | null>(addresses.length).fill(null);
  let failed = 0;
  try {
    let next = 0;
    const worker = async () => {
      while (next < addresses.length) {
        const i = next++;
        const address = addresses[i]!;
        try {
          snapshots[i] = await client.snapshot(address, { mac: null });
        } catch (e) {
          failed++;
          const err = toAppError(e);
          io.stderr.write(`hashwatch status: ${address}: ${err.code}: ${err.message}\n`);
          if (UNREACHABLE.has(err.code)) {
            snapshots[i] = stubSnapshot({
              address,
              state: 'offline',
              stateDescription: err.message,
              polledAt: new Date(now()).toISOString(),
            });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(32, addresses.length) }, worker));
  } finally {
    await client.close();
  }

  const shown = snapshots.filter((s): s is MinerSnapshot => s !== null);
  if (values.json) io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  else io.stdout.write(formatTable(SNAPSHOT_HEADER, shown.map(snapshotRow), SNAPSHOT_NUMERIC));
  return failed > 0 ? 1 : 0;
}
