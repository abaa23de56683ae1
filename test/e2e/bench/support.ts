/** Running the benchmarks small, in this process, into a temporary results folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBenchArgs } from '../../bench/args';
import { runBenchmarks, type BenchRun } from '../../bench/run';

export interface SmallRun {
  runs: BenchRun[];
  outDir: string;
  lines: string[];
  cleanup(): void;
}

export async function runSmall(argv: string[]): Promise<SmallRun> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-bench-'));
  const parsed = parseBenchArgs([...argv, '--out', outDir]);
  if (parsed.help) throw new Error('unexpected --help');
  const lines: string[] = [];
  const runs = await runBenchmarks(parsed.args, (line) => lines.push(line));
  return { runs, outDir, lines, cleanup: () => fs.rmSync(outDir, { recursive: true, force: true }) };
}

/** The JSON a benchmark wrote, read back from disk. */
export function written(
  run: BenchRun,
): Record<string, unknown> & { figures: Array<Record<string, unknown>>; details: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(run.file, 'utf8'));
}
