#!/usr/bin/env node
/**
 * The `hashwatch` command: the headless composition root (serve, scan, status, sim).
 *
 * Each subcommand is `(argv) => Promise<exit code>`, loaded on demand so `hashwatch status` does not pay
 * for the web host. Exit codes: 0 success, 1 some work failed, 2 bad arguments.
 */
export type Command = (argv: string[]) => Promise<number>;

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: {
    summary: 'start the core and serve the dashboard + contract on 127.0.0.1 (--port, --host, --demo)',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  scan: {
    summary:
      'find miners by subnet scan and mDNS (targets: CIDR, ranges, host[:port], @file; --mdns, --json)',
    load: async () => (await import('./commands/scan.js')).scanCommand,
  },
  sim: {
    summary:
      'run a simulated vnish farm (--miners N, --scenario FILE, --seed N, --speed X, --bind ips|ports, --mdns)',
    load: async () => (await import('../sim/cli.js')).runSimCli,
  },
  status: {
    summary: 'read and print one snapshot per miner (host[:port]...; --json, --password-stdin)',
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: hashwatch <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`hashwatch: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest);
}

const invokedDirectly = process.argv[1] && /hashwatch(\.[cm]?[jt]s)?$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`hashwatch: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
