/**
 * The memory of the bridge process, seen from outside: its resident set size sampled every so often, and on
 * Linux the kernel's own high-water mark (VmHWM), which catches a peak between two samples.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface MemoryReport {
  /** The highest resident set size seen: the kernel's high-water mark where available, else the samples'. */
  peakRssBytes: number | null;
  /** The highest sampled RSS. */
  sampledPeakRssBytes: number | null;
  lastRssBytes: number | null;
  samples: number;
  intervalMs: number;
  /** How it was read: `procfs` (VmRSS/VmHWM of /proc/<pid>/status) or `ps`. */
  method: 'procfs' | 'ps';
}

interface Reading {
  rssBytes: number;
  hwmBytes: number | null;
}

function readProcfs(pid: number): Reading | null {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kib = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  };
  const rssBytes = kib('VmRSS');
  return rssBytes === null ? null : { rssBytes, hwmBytes: kib('VmHWM') };
}

function readPs(pid: number): Reading | null {
  try {
    const kib = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isFinite(kib) && kib > 0 ? { rssBytes: kib * 1024, hwmBytes: null } : null;
  } catch {
    return null;
  }
}

export interface MemorySampler {
  /** Takes a last reading (the process must still be running for the high-water mark) and stops. */
  stop(): MemoryReport;
}

export function sampleMemory(pid: number, intervalMs = 250): MemorySampler {
  const method: MemoryReport['method'] = fs.existsSync(`/proc/${pid}/status`) ? 'procfs' : 'ps';
  const read = () => (method === 'procfs' ? readProcfs(pid) : readPs(pid));
  let samples = 0;
  let sampledPeak: number | null = null;
  let hwm: number | null = null;
  let last: number | null = null;
  const take = () => {
    const reading = read();
    if (!reading) return;
    samples += 1;
    last = reading.rssBytes;
    sampledPeak = Math.max(sampledPeak ?? 0, reading.rssBytes);
    if (reading.hwmBytes !== null) hwm = Math.max(hwm ?? 0, reading.hwmBytes);
  };
  take();
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    stop: () => {
      take();
      clearInterval(timer);
      return {
        peakRssBytes: hwm ?? sampledPeak,
        sampledPeakRssBytes: sampledPeak,
        lastRssBytes: last,
        samples,
        intervalMs,
        method,
      };
    },
  };
}

export function megabytes(bytes: number | null): number | null {
  return bytes === null ? null : Math.round((bytes / 1_048_576) * 10) / 10;
}
