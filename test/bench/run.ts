/**
 * Runs the chosen benchmarks one after the other, each on its own stack, printing each one's figures and
 * writing them to <out>/<benchmark>.json. A benchmark that misses a target still succeeds; one that cannot
 * run at all (the bridge does not start, say) throws.
 */
import path from 'node:path';
import { buildBridge } from '../support/stack/bridge-process';
import type { BenchArgs, BenchmarkName } from './args';
import { createBenchContext } from './context';
import { runInitialSync } from './initial-sync';
import { formatFigures, writeResult, type BenchmarkResult } from './report';
import { runSteadyState } from './steady-state';

export interface BenchRun {
  result: BenchmarkResult;
  file: string;
}

export async function runBenchmarks(args: BenchArgs, print: (line: string) => void): Promise<BenchRun[]> {
  const outDir = path.resolve(args.out);
  if (args.bridge === 'compiled') {
    // The bridge is measured as it runs in production: the build, under plain node.
    print('building the bridge (npm run build)');
    await buildBridge();
  }
  const context = createBenchContext({
    outDir,
    database: args.database,
    logLevel: args.logLevel,
    bridgeRuntime: args.bridge,
    ...(args.bridgeNodeOptions
      ? { bridgeNodeArgs: args.bridgeNodeOptions.split(/\s+/).filter(Boolean) }
      : {}),
    log: print,
  });
  const timeoutMs = args.timeoutS * 1_000;
  const benchmarks: Record<BenchmarkName, () => Promise<BenchmarkResult>> = {
    'initial-sync': () =>
      runInitialSync(context, {
        records: args.records,
        companies: args.companies ?? Math.round(args.records / 5),
        deals: args.deals ?? Math.round(args.records / 10),
        randomSeed: args.seed,
        timeoutMs,
      }),
    'steady-state': () =>
      runSteadyState(context, {
        edits: args.edits,
        records: args.steadyRecords,
        editsPerSecond: args.editsPerSecond,
        pollIntervalMs: args.pollIntervalS * 1_000,
        latencyMs: args.latencyMs,
        ...(args.echoWaitS === undefined ? {} : { echoWaitMs: args.echoWaitS * 1_000 }),
        randomSeed: args.seed,
        timeoutMs,
      }),
  };
  const runs: BenchRun[] = [];
  for (const name of args.only) {
    print(`-- ${name}`);
    const result = await benchmarks[name]();
    const file = writeResult(outDir, result);
    print(formatFigures(result));
    print(`  written to ${path.relative(process.cwd(), file) || file}`);
    runs.push({ result, file });
  }
  return runs;
}
