/**
 * `npm run bench -- [options]`: which benchmarks to run and at what size. The defaults are the sizes the
 * benchmarks are specified at; smaller ones make quick runs.
 */
import path from 'node:path';
import { z } from 'zod';
import { bridgeRuntimes, PROJECT_ROOT } from '../support/stack/bridge-process';

export const benchmarkNames = ['initial-sync', 'steady-state'] as const;
export type BenchmarkName = (typeof benchmarkNames)[number];

const count = (min: number) => z.coerce.number().int().min(min);

export const BenchArgsSchema = z.object({
  only: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(benchmarkNames)).min(1))
    .default([...benchmarkNames]),
  records: count(1).default(10_000),
  companies: count(0).optional(),
  deals: count(0).optional(),
  edits: count(2).default(1_000),
  steadyRecords: count(1).default(2_000),
  editsPerSecond: z.coerce.number().positive().max(100).default(5),
  // The settings accept poll intervals from 15 s.
  pollIntervalS: count(15).default(15),
  latencyMs: count(0).default(50),
  echoWaitS: count(0).optional(),
  seed: count(0).default(42),
  database: z.string().default('sqlite'),
  out: z.string().default(path.join(PROJECT_ROOT, 'bench-results')),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  timeoutS: count(10).default(600),
  bridge: z.enum(bridgeRuntimes).default('compiled'),
  bridgeNodeOptions: z.string().optional(),
});
export type BenchArgs = z.infer<typeof BenchArgsSchema>;

export const USAGE = `npm run bench -- [options]

  --only <names>            comma-separated: ${benchmarkNames.join(', ')} (default: all)
  --records <n>             initial sync: HubSpot contacts, and Salesforce records (default 10000 each)
  --companies <n>           initial sync: companies and Accounts in all, split between the sides (default records / 5)
  --deals <n>               initial sync: deals and Opportunities in all, split between the sides (default records / 10)
  --edits <n>               steady state: single-field edits, half on each side (default 1000)
  --steady-records <n>      steady state: records per side synced before the edits (default 2000)
  --edits-per-second <r>    steady state: edit rate (default 5)
  --poll-interval-s <s>     steady state: the installation's poll interval, 15 or more (default 15)
  --latency-ms <ms>         steady state: latency added by both emulators (default 50)
  --echo-wait-s <s>         steady state: how long after each phase an echo still counts (default poll interval + 5)
  --seed <n>                data seed (default 42)
  --database <db>           sqlite (default: a fresh file) or a postgres:// server URL (a fresh database on it)
  --out <dir>               where results go (default bench-results/)
  --log-level <level>       the bridge's LOG_LEVEL; its log goes to <out>/<benchmark>.bridge.log (default warn)
  --timeout-s <s>           give up waiting for a sync after this long (default 600)
  --bridge <runtime>        compiled (default: npm run build, then the build as npm start runs it) or tsx
  --bridge-node-options <o> options for node in the bridge process, e.g. "--heapsnapshot-signal=SIGUSR2"
`;

/** `--name value` and `--name=value` pairs, camel-cased; `--help` is reported, anything else is an error. */
export function parseBenchArgs(argv: readonly string[]): { help: true } | { help: false; args: BenchArgs } {
  const raw: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument "${arg}"\n\n${USAGE}`);
    const key = match[1]!.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const value = match[2] ?? argv[index + 1];
    if (match[2] === undefined) index += 1;
    if (value === undefined) throw new Error(`--${match[1]} needs a value\n\n${USAGE}`);
    raw[key] = value;
  }
  const unknown = Object.keys(raw).filter((key) => !(key in BenchArgsSchema.shape));
  if (unknown.length > 0)
    throw new Error(`unknown option ${unknown.map((key) => `"${key}"`).join(', ')}\n\n${USAGE}`);
  const parsed = BenchArgsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${problems.join('\n')}\n\n${USAGE}`);
  }
  return { help: false, args: parsed.data };
}
