/**
 * One soak run: the stack, the seeded stream with faults and kills, then faults off, the drain, the echo
 * check and the verdict. Returns the figures and every problem found; `main.ts` prints them and sets the
 * exit code, the e2e test asserts on them.
 */
import { differenceOf, snapshotCalls, summarize, type CallSummary } from '../bench/calls';
import { seededRandom } from '../bench/dataset';
import { waitUntilSettled } from '../bench/progress';
import type { SoakOptions } from './args';
import { metShare, startFaults, type FaultFigures } from './faults';
import { SOAK_POLL_INTERVAL_MS, startSoakStack } from './stack';
import { createStream, type StreamFigures } from './stream';
import { judge, type Verdict } from './verdict';

export interface SoakResult {
  seed: number;
  streamMs: number;
  people: number;
  operations: StreamFigures;
  faults: FaultFigures;
  kills: number;
  /** From faults off to the last change the drain saw. */
  convergeMs: number;
  drained: boolean;
  calls: { hubspot: CallSummary; salesforce: CallSummary };
  /** Write calls made by a further poll cycle after the drain (each is an echo). */
  echoWrites: { hubspot: CallSummary; salesforce: CallSummary };
  verdict: Verdict;
  problems: string[];
}

export async function runSoak(options: SoakOptions, log: (line: string) => void): Promise<SoakResult> {
  const stack = await startSoakStack({
    serverUrl: options.databaseUrl,
    logDir: options.logDir,
    seed: options.seed,
    keepDatabase: options.keepDatabase,
    log,
  });
  try {
    const db = stack.db();
    const streamRandom = seededRandom(options.seed);
    const faultRandom = seededRandom(options.seed * 7919 + 1);
    const killRandom = seededRandom(options.seed * 104_729 + 2);
    const callsAtStart = await snapshotCalls(stack.hubspot.control, stack.salesforce.control, stack.portalId);
    log(`installed; stream of ${Math.round(options.streamMs / 1000)} s starts (seed ${options.seed})`);

    const faults = startFaults({
      hubspot: stack.hubspot,
      salesforce: stack.salesforce,
      random: faultRandom,
      rate: options.faultRate,
      withTimeouts: options.streamMs >= 3 * 60_000,
    });
    const stream = createStream(stack, streamRandom);
    const startedAt = Date.now();
    const endsAt = startedAt + options.streamMs;

    // One worker is killed at seeded moments (every 8 to 20 s) and started again 0.5 to 2 s later.
    let kills = 0;
    const killer = (async () => {
      for (;;) {
        const waitMs = 8_000 + killRandom() * 12_000;
        if (Date.now() + waitMs >= endsAt) return;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        const worker = stack.workers[0];
        worker.child.kill('SIGKILL');
        await worker.exited;
        kills += 1;
        await new Promise((resolve) => setTimeout(resolve, 500 + killRandom() * 1_500));
        await stack.restartWorker(0, 'SIGKILL');
      }
    })();

    const intervalMs = 1_000 / options.operationsPerSecond;
    for (let index = 0; Date.now() < endsAt; index += 1) {
      await stream.step(index);
      const next = startedAt + (index + 1) * intervalMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
    await killer;
    const faultFigures = await faults.stop();
    const faultsOffAt = Date.now();
    log(`stream over: ${JSON.stringify(stream.figures.operations)}; ${kills} kill(s); draining`);

    // The drain: the queue empty, nothing waiting for a retry, and nothing moved for a poll interval and
    // more (a Salesforce edit made at the very end is only found by the next SOQL poll).
    await stack.hubspot.control.waitForWebhooksIdle(60_000).catch(() => undefined);
    const settled = await waitUntilSettled(db, stack.installationId, {
      quietMs: SOAK_POLL_INTERVAL_MS + 5_000,
      timeoutMs: options.drainTimeoutMs,
      done: (progress) => progress.waiting === 0,
      giveUpQuietMs: options.drainTimeoutMs,
    });
    const convergeMs = Math.max(0, settled.lastChangeAt - faultsOffAt);
    const callsAtDrain = await snapshotCalls(stack.hubspot.control, stack.salesforce.control, stack.portalId);
    log(`drained in ${(convergeMs / 1000).toFixed(1)} s (settled: ${settled.settled}); checking for echoes`);

    // A further poll cycle after the drain must write nothing, anywhere.
    await new Promise((resolve) => setTimeout(resolve, SOAK_POLL_INTERVAL_MS + 3_000));
    await waitUntilSettled(db, stack.installationId, { quietMs: 2_000, timeoutMs: 60_000 });
    const callsAfterEcho = await snapshotCalls(
      stack.hubspot.control,
      stack.salesforce.control,
      stack.portalId,
    );
    const echo = differenceOf(callsAtDrain, callsAfterEcho);
    const whole = differenceOf(callsAtStart, callsAtDrain);

    const verdict = await judge(stack, stream.people);
    const echoWrites = {
      hubspot: summarize('hubspot', echo.hubspot),
      salesforce: summarize('salesforce', echo.salesforce),
    };
    const problems: string[] = [];
    if (!settled.settled)
      problems.push(
        `not drained after ${options.drainTimeoutMs / 1000} s: ${JSON.stringify(settled.progress)}`,
      );
    problems.push(...verdict.lost.map((line) => `lost: ${line}`));
    problems.push(...verdict.duplicated.map((line) => `duplicated: ${line}`));
    problems.push(...verdict.unequal.map((line) => `unequal: ${line}`));
    problems.push(...verdict.unexplainedFailures.map((line) => `unexplained failure: ${line}`));
    problems.push(...verdict.openQuestions.map((line) => `question: ${line}`));
    if (echoWrites.hubspot.writes > 0 || echoWrites.salesforce.writes > 0) {
      const routes = (summary: CallSummary) =>
        Object.entries(summary.byRoute)
          .map(([route, n]) => `${route} ×${n}`)
          .join(', ');
      problems.push(
        `echo: a poll cycle after the drain wrote HubSpot ${echoWrites.hubspot.writes} (${routes(echoWrites.hubspot)}), Salesforce ${echoWrites.salesforce.writes} (${routes(echoWrites.salesforce)})`,
      );
    }
    return {
      seed: options.seed,
      streamMs: options.streamMs,
      people: stream.people.length,
      operations: stream.figures,
      faults: faultFigures,
      kills,
      convergeMs,
      drained: settled.settled,
      calls: {
        hubspot: summarize('hubspot', whole.hubspot),
        salesforce: summarize('salesforce', whole.salesforce),
      },
      echoWrites,
      verdict,
      problems,
    };
  } finally {
    await stack.close();
  }
}

export function formatResult(result: SoakResult): string {
  const met = (side: 'hubspot' | 'salesforce') => {
    const kinds = Object.entries(result.faults.met[side]).sort(([, a], [, b]) => b - a);
    const total = kinds.reduce((sum, [, n]) => sum + n, 0);
    const share = (100 * metShare(result.faults, side)).toFixed(1);
    const list = kinds.map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
    return `${total} of ${result.faults.calls[side]} calls (${share} %): ${list}`;
  };
  const operations = Object.entries(result.operations.operations).map(([kind, n]) => {
    const sides = result.operations.bySide[kind as keyof StreamFigures['bySide']];
    return sides && n > 0
      ? `${kind} ${n} (HubSpot ${sides.hubspot}, Salesforce ${sides.salesforce})`
      : `${kind} ${n}`;
  });
  const lines = [
    `soak, seed ${result.seed}, stream ${Math.round(result.streamMs / 1000)} s`,
    `  operations: ${operations.join(', ')} (${result.people} people)`,
    `  refused by an emulator: ${
      Object.entries(result.operations.refused)
        .map(([why, n]) => `${why} ×${n}`)
        .join('; ') || 'none'
    }`,
    `  faults met, HubSpot: ${met('hubspot')}`,
    `  faults met, Salesforce: ${met('salesforce')}`,
    `  worker kills (SIGKILL): ${result.kills}`,
    `  time to converge after faults off: ${(result.convergeMs / 1000).toFixed(1)} s${result.drained ? '' : ' (NOT drained)'}`,
    `  API calls, HubSpot: ${result.calls.hubspot.total} (${result.calls.hubspot.reads} reads, ${result.calls.hubspot.writes} writes, ${result.calls.hubspot.auth} auth)`,
    `  API calls, Salesforce: ${result.calls.salesforce.total} (${result.calls.salesforce.reads} reads, ${result.calls.salesforce.writes} writes, ${result.calls.salesforce.auth} auth)`,
    `  active links ${result.verdict.verification.activeLinks}; open failures explained ${result.verdict.explainedFailures}`,
    `  questions waiting for a person: ${result.verdict.openQuestions.length}`,
    `  echo writes after the drain: HubSpot ${result.echoWrites.hubspot.writes}, Salesforce ${result.echoWrites.salesforce.writes}`,
    result.problems.length === 0
      ? 'HELD: both CRMs equal, nothing lost, duplicated or echoed, every failure explained, no question left'
      : `FAILED (${result.problems.length}):\n${result.problems.map((line) => `  - ${line}`).join('\n')}`,
  ];
  return lines.join('\n');
}
