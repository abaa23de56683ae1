/**
 * `npm run bench`: the benchmarks of the sync engine (see README, "Benchmarks"). Each prints its figures
 * next to their targets and writes them as JSON under bench-results/.
 */
import { parseBenchArgs, USAGE } from './args';
import { runBenchmarks } from './run';

// jsforce sends even loopback requests through a proxy named in the environment; everything here is local.
for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) {
  delete process.env[name];
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseBenchArgs>;
  try {
    parsed = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const startedAt = Date.now();
  await runBenchmarks(parsed.args, (line) => console.log(line));
  console.log(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      'the benchmarks could not run:',
      error instanceof Error ? (error.stack ?? error.message) : error,
    );
    process.exit(1);
  },
);
