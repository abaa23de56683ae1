/** `npm run soak -- --seed N --minutes M`: exits 1 when anything was lost, duplicated or echoed. */
import { parseSoakArgs } from './args';
import { formatResult, runSoak } from './run';

async function main(): Promise<void> {
  const options = parseSoakArgs(process.argv.slice(2));
  const result = await runSoak(options, (line) => console.log(`[soak] ${line}`));
  console.log(formatResult(result));
  process.exit(result.problems.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error('The soak could not run:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(2);
});
