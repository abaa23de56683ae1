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

/** The V8 heap of the bridge process at its largest, as its own /metrics reports it (prom-client's defaults). */
export interface HeapReport {
  /** The largest heap V8 had reserved (`nodejs_heap_size_total_bytes`), with the RSS read at that moment. */
  peakHeapTotalBytes: number | null;
  rssAtPeakHeapBytes: number | null;
  /** The most the heap held at once (live and not yet collected: `nodejs_heap_size_used_bytes`). */
  peakHeapUsedBytes: number | null;
  /** Memory outside the heap that V8 knows of: buffers, strings handed to native code. */
  peakExternalBytes: number | null;
  /** The largest old space (where what outlives two young collections goes). */
  peakOldSpaceBytes: number | null;
  scrapes: number;
}

export interface HeapSampler {
  stop(): Promise<HeapReport>;
}

const HEAP_METRICS = {
  heapTotal: /^nodejs_heap_size_total_bytes(?:\{[^}]*\})? (\S+)$/m,
  heapUsed: /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m,
  external: /^nodejs_external_memory_bytes(?:\{[^}]*\})? (\S+)$/m,
  oldSpace: /^nodejs_heap_space_size_total_bytes\{[^}]*space="old"[^}]*\} (\S+)$/m,
  rss: /^process_resident_memory_bytes(?:\{[^}]*\})? (\S+)$/m,
} as const;

/**
 * Scrapes the bridge's /metrics (behind the operator token) every `intervalMs` and keeps the heap's peaks:
 * with the RSS they say how much of the process's memory is the V8 heap, and how much of the heap was
 * garbage waiting for a collection.
 */
export function sampleHeap(baseUrl: string, opsToken: string, intervalMs = 1_000): HeapSampler {
  const report: HeapReport = {
    peakHeapTotalBytes: null,
    rssAtPeakHeapBytes: null,
    peakHeapUsedBytes: null,
    peakExternalBytes: null,
    peakOldSpaceBytes: null,
    scrapes: 0,
  };
  const max = (current: number | null, value: number | null) =>
    value === null ? current : Math.max(current ?? 0, value);
  let inFlight: Promise<void> = Promise.resolve();
  const scrape = async () => {
    let text: string;
    try {
      const response = await fetch(`${baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${opsToken}` },
        signal: AbortSignal.timeout(intervalMs * 5),
      });
      if (!response.ok) return;
      text = await response.text();
    } catch {
      return;
    }
    const read = (pattern: RegExp) => {
      const value = Number(pattern.exec(text)?.[1]);
      return Number.isFinite(value) ? value : null;
    };
    report.scrapes += 1;
    const heapTotal = read(HEAP_METRICS.heapTotal);
    if (heapTotal !== null && heapTotal > (report.peakHeapTotalBytes ?? 0)) {
      report.peakHeapTotalBytes = heapTotal;
      report.rssAtPeakHeapBytes = read(HEAP_METRICS.rss);
    }
    report.peakHeapUsedBytes = max(report.peakHeapUsedBytes, read(HEAP_METRICS.heapUsed));
    report.peakExternalBytes = max(report.peakExternalBytes, read(HEAP_METRICS.external));
    report.peakOldSpaceBytes = max(report.peakOldSpaceBytes, read(HEAP_METRICS.oldSpace));
  };
  const timer = setInterval(() => {
    inFlight = inFlight.then(scrape);
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
      return report;
    },
  };
}
