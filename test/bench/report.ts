/**
 * How a benchmark reports: figures, each with its target and whether it was met, printed as a table and
 * written as JSON under bench-results/ with where and when it ran. A missed target is reported, never
 * turned into a failing exit code: benchmarks measure, tests assert.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../support/stack/bridge-process';

export type Verdict = 'pass' | 'miss' | 'n/a';

export interface Figure {
  name: string;
  value: number | string | null;
  unit?: string;
  /** The target in words, e.g. "≤ 1.25 × floor (250)". */
  target?: string;
  verdict?: Verdict;
  note?: string;
}

export interface RunInfo {
  date: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryMb: number;
  /** What else the machine was doing: the load averages when the run started. */
  loadAverage: number[];
}

export interface BenchmarkResult<Details = unknown> {
  benchmark: string;
  run: RunInfo;
  parameters: Record<string, unknown>;
  durationMs: number;
  figures: Figure[];
  details: Details;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export function runInfo(now = new Date()): RunInfo {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    date: now.toISOString(),
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryMb: Math.round(os.totalmem() / 1_048_576),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** `value ≤ limit` → pass; an unknown value cannot pass or miss. */
export function atMost(value: number | null, limit: number): Verdict {
  return value === null ? 'n/a' : value <= limit ? 'pass' : 'miss';
}

export function below(value: number | null, limit: number): Verdict {
  return value === null ? 'n/a' : value < limit ? 'pass' : 'miss';
}

function show(value: Figure['value'], unit?: string): string {
  if (value === null) return '—';
  const text =
    typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : value;
  return unit ? `${text} ${unit}` : text;
}

/** The figures as an aligned table, one line each. */
export function formatFigures(result: BenchmarkResult): string {
  const rows = result.figures.map((figure) => [
    figure.name,
    show(figure.value, figure.unit),
    figure.target ? `target ${figure.target}` : '',
    figure.verdict && figure.verdict !== 'n/a' ? figure.verdict.toUpperCase() : (figure.verdict ?? ''),
    figure.note ?? '',
  ]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column < 4 ? cell.padEnd(widths[column]!) : cell))
      .join('  ')
      .trimEnd(),
  );
  const seconds = (result.durationMs / 1000).toFixed(1);
  return [`== ${result.benchmark} (${seconds} s)`, ...lines.map((line) => `  ${line}`)].join('\n');
}

export function writeResult(directory: string, result: BenchmarkResult): string {
  fs.mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${result.benchmark}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
