// The demo's command line: flags, their environment variables, --help, and errors that list the flags.

export interface DemoArgs {
  /** Seconds to run; Infinity until Ctrl-C. */
  readonly durationS: number;
  readonly rate: number;
  readonly port: number;
  readonly keep: boolean;
  readonly otlp: string | undefined;
  readonly statsd: { host: string; port: number } | undefined;
  readonly windowS: number;
}

interface Flag {
  readonly name: string;
  readonly value?: string;
  readonly env: string;
  readonly help: string;
}

const FLAGS: readonly Flag[] = [
  { name: 'duration', value: '<s>', env: 'RX_DEMO_DURATION', help: 'run for this many seconds, then shut down (default: until Ctrl-C)' },
  { name: 'rate', value: '<jobs/s>', env: 'RX_DEMO_RATE', help: 'jobs started per second (default 10)' },
  { name: 'port', value: '<n>', env: 'RX_DEMO_PORT', help: 'port of the page, /metrics and /health on 127.0.0.1 (default 9464; 0 picks a free one)' },
  { name: 'keep', env: 'RX_DEMO_KEEP=1', help: 'keep the temporary directory (log, profile) instead of removing it at exit' },
  { name: 'otlp', value: '<url>', env: 'RX_DEMO_OTLP', help: 'also export OpenTelemetry spans over OTLP/HTTP to this URL (e.g. http://127.0.0.1:4318/v1/traces)' },
  { name: 'statsd', value: '<host:port>', env: 'RX_DEMO_STATSD', help: 'also send the metrics to a StatsD server over UDP' },
  { name: 'window', value: '<s>', env: 'RX_DEMO_WINDOW', help: 'sliding window of the percentiles and alert rules (default 20)' },
  { name: 'help', env: '', help: 'print this and exit' },
];

const OTHER_ENV: readonly [string, string][] = [
  ['NO_COLOR', 'plain output without colours (also when stdout is not a terminal)'],
  ['VK_DRIVER_FILES, VK_ICD_FILENAMES', 'choose the Vulkan driver Dawn uses (the set-up adds lavapipe, a CPU driver, with VK_ADD_DRIVER_FILES)'],
];

export function usage(): string {
  const width = Math.max(...FLAGS.map((f) => `--${f.name}${f.value ? ` ${f.value}` : ''}`.length));
  const lines = [
    'npm run demo -- [flags]      an instrumented GPU service with a live page, until Ctrl-C',
    '',
    'flags (each also read from its environment variable):',
    ...FLAGS.map((f) => `  ${`--${f.name}${f.value ? ` ${f.value}` : ''}`.padEnd(width)}  ${f.help}${f.env ? ` [${f.env}]` : ''}`),
    '',
    'other environment variables:',
    ...OTHER_ENV.map(([name, help]) => `  ${name}: ${help}`),
    '',
    'example: npm run demo -- --duration 60 --rate 20',
  ];
  return lines.join('\n');
}

/** Thrown for a bad command line: the message says what and lists the flags. */
export class UsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n\n${usage()}`);
    this.name = 'UsageError';
  }
}

function positive(name: string, raw: string, integer = false): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Parses argv (after the script) over the environment; `help: true` when --help was given. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): DemoArgs & { help: boolean } {
  const raw = new Map<string, string>();
  for (const f of FLAGS) {
    const name = f.env.split('=')[0];
    if (name !== '' && env[name] !== undefined && env[name] !== '') raw.set(f.name, env[name] as string);
  }
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const flag = m === null ? undefined : FLAGS.find((f) => f.name === m[1]);
    if (flag === undefined) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    if (flag.name === 'help') help = true;
    else if (flag.value === undefined) raw.set(flag.name, '1');
    else {
      const value = m?.[2] ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${flag.name} needs a value ${flag.value}`);
      raw.set(flag.name, value);
    }
  }
  const port = raw.has('port') ? Number(raw.get('port')) : 9464;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got ${JSON.stringify(raw.get('port'))}`);
  let statsd: DemoArgs['statsd'];
  if (raw.has('statsd')) {
    const m = /^(.+):(\d+)$/.exec(raw.get('statsd') as string);
    if (m === null || Number(m[2]) > 65535) throw new UsageError(`--statsd must be host:port, got ${JSON.stringify(raw.get('statsd'))}`);
    statsd = { host: m[1], port: Number(m[2]) };
  }
  const otlp = raw.get('otlp');
  if (otlp !== undefined && !/^https?:\/\/[^/]+/.test(otlp)) throw new UsageError(`--otlp must be an http(s) URL, got ${JSON.stringify(otlp)}`);
  return {
    help,
    durationS: raw.has('duration') ? positive('duration', raw.get('duration') as string) : Infinity,
    rate: raw.has('rate') ? positive('rate', raw.get('rate') as string) : 10,
    port,
    keep: raw.has('keep') && raw.get('keep') !== '0',
    otlp,
    statsd,
    windowS: raw.has('window') ? positive('window', raw.get('window') as string, true) : 20,
  };
}
