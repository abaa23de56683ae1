/** The soak's command line: `npm run soak -- --seed N --minutes M` (or `--seconds S` for a short run). */
export interface SoakOptions {
  seed: number;
  /** How long the stream of operations runs, faults and kills included. */
  streamMs: number;
  /** PostgreSQL server; a fresh database is created on it for the run and dropped afterwards. */
  databaseUrl: string;
  /** Operations per second of the stream. */
  operationsPerSecond: number;
  /** Share of API calls that meet a fault while the stream runs. */
  faultRate: number;
  /** Where the worker processes' and the bridge's logs go. */
  logDir: string;
  /** Keep the run's database afterwards, for reading what happened to a record. */
  keepDatabase: boolean;
  /** How long the drain after the stream may take before the run reports it as not drained. */
  drainTimeoutMs: number;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const HELP = `npm run soak -- [options]
  --seed N              seed of the stream, the faults and the kills (default 1)
  --minutes M           how long the stream runs (default 10)
  --seconds S           the same in seconds, for short runs
  --rate R              operations per second (default 1)
  --fault-rate F        share of API calls that meet a fault (default 0.2)
  --database URL        PostgreSQL server to create the run's database on
                        (default SOAK_DATABASE_URL, else ${DEFAULT_DATABASE_URL})
  --log-dir DIR         where the processes' logs go (default test-output/soak)
  --keep-database       keep the run's database afterwards (its URL is printed) instead of dropping it`;

export function parseSoakArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SoakOptions {
  const options: SoakOptions = {
    seed: 1,
    streamMs: 10 * 60_000,
    databaseUrl: env.SOAK_DATABASE_URL ?? DEFAULT_DATABASE_URL,
    operationsPerSecond: 1,
    faultRate: 0.2,
    logDir: 'test-output/soak',
    keepDatabase: false,
    drainTimeoutMs: 6 * 60_000,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    const value = argv[index + 1];
    const number = () => {
      const parsed = Number(value);
      if (value === undefined || !Number.isFinite(parsed)) throw new Error(`${flag} needs a number`);
      index += 1;
      return parsed;
    };
    switch (flag) {
      case '--seed':
        options.seed = Math.trunc(number());
        break;
      case '--minutes':
        options.streamMs = Math.round(number() * 60_000);
        break;
      case '--seconds':
        options.streamMs = Math.round(number() * 1_000);
        break;
      case '--rate':
        options.operationsPerSecond = number();
        break;
      case '--fault-rate':
        options.faultRate = number();
        break;
      case '--database':
        if (!value) throw new Error('--database needs a URL');
        options.databaseUrl = value;
        index += 1;
        break;
      case '--log-dir':
        if (!value) throw new Error('--log-dir needs a directory');
        options.logDir = value;
        index += 1;
        break;
      case '--keep-database':
        options.keepDatabase = true;
        break;
      case '--help':
      case '-h':
        console.log(HELP);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${HELP}`);
    }
  }
  return options;
}
