/**
 * `hashwatch sim`: run a simulated farm until SIGINT/SIGTERM.
 *
 *   hashwatch sim --miners 200 --scenario <file> --seed 7 [--speed 60] [--bind ips|ports]
 *                 [--host 127.0.0.1] [--mdns] [--no-cgminer] [--control-port N] [--demo]
 *
 * Prints each miner's address and the control URL, then serves until a signal closes it cleanly.
 */
import { demoScenarioPath, startFarm, type FarmOptions } from './index.js';

const USAGE = `usage: hashwatch sim [--miners N] [--scenario FILE | --demo] [--seed N] [--speed X]
                    [--bind ips|ports] [--host H] [--mdns] [--no-cgminer] [--control-port N]
  --bind ips needs root: miners on 127.0.x.y:80, cgminer on :4028.
  Each miner uses one socket for HTTP and one for cgminer; use --no-cgminer for very large farms.
`;

/** Parse `sim` arguments into farm options, or an error message. */
export function parseSimArgs(argv: string[]): FarmOptions | string {
  const o: FarmOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${flag} needs a number >= 0`);
      return v;
    };
    try {
      switch (flag) {
        case '--miners':
          o.miners = Math.floor(num());
          if (o.miners < 1) return '--miners must be at least 1';
          break;
        case '--scenario':
          o.scenario = value();
          break;
        case '--demo':
          o.scenario = demoScenarioPath();
          break;
        case '--seed':
          o.seed = Math.floor(num());
          break;
        case '--speed':
          o.speed = num();
          break;
        case '--bind': {
          const b = value();
          if (b !== 'ips' && b !== 'ports') return '--bind must be ips or ports';
          o.bind = b;
          break;
        }
        case '--host':
          o.host = value();
          break;
        case '--mdns':
          o.mdns = true;
          break;
        case '--no-cgminer':
          o.cgminer = false;
          break;
        case '--control-port':
          o.controlPort = Math.floor(num());
          break;
        default:
          return `unknown option ${a}`;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  return o;
}

/** Run the simulator CLI; resolves with the exit code once a signal has closed the farm. */
export async function runSimCli(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const opts = parseSimArgs(argv);
  if (typeof opts === 'string') {
    process.stderr.write(`hashwatch sim: ${opts}\n\n${USAGE}`);
    return 2;
  }
  if (opts.bind === 'ips' && process.getuid?.() !== 0) {
    process.stderr.write('hashwatch sim: --bind ips needs root (ports 80 and 4028 on 127.0.x.y)\n');
    return 2;
  }
  const farm = await startFarm(opts);
  const lines = farm.miners.map(
    (m) => `${m.address}\t${m.cgminerPort ?? '-'}\t${m.mac}\t${m.model}\t${m.firmware}`,
  );
  process.stdout.write(`address\tcgminer\tmac\tmodel\tfirmware\n${lines.join('\n')}\n`);
  process.stdout.write(
    `control: ${farm.controlUrl}\n${farm.miners.length} simulated miners running; Ctrl-C to stop\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await farm.close();
  return 0;
}
