/**
 * A deadline for one API call. Neither SDK lets a caller bound a call (jsforce's own limit is 30 minutes,
 * the HubSpot SDK has none), and a call that never answers would hold a worker's whole batch. The call
 * itself is left to finish or fail in the background. Its outcome is not reported, but when it ends is: a
 * write abandoned at its deadline may still land, so a caller that writes the same records again must wait
 * for it (`abandonedCallOf`).
 */
import { makeCallFailure, type CallFailure } from '../domain/failures';

/** Default deadline of one API call. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export class CallTimeout extends Error {
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
    /** Settles (never rejects) when the abandoned call ends, whatever its outcome. */
    readonly abandoned: Promise<void> = Promise.resolve(),
  ) {
    super(`no answer within ${timeoutMs} ms while ${action}`);
    this.name = 'CallTimeout';
  }
}

/**
 * A deadline met outside a connector's own error mapping (each connector names its system in its own
 * timeout error): an outage of no known side.
 */
export function timeoutCallFailure(error: CallTimeout): CallFailure {
  return makeCallFailure({
    side: null,
    category: 'transient',
    code: 'timeout',
    message: error.message,
    details: { action: error.action, timeoutMs: error.timeoutMs },
  });
}

/**
 * The end of the call an error abandoned at its deadline, when it is one (itself, or the cause of a
 * connector's error); null for any other error, whose call has ended.
 */
export function abandonedCallOf(error: unknown): Promise<void> | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof CallTimeout) return current.abandoned;
    current = current.cause;
  }
  return null;
}

export async function withTimeout<T>(run: () => Promise<T>, timeoutMs: number, action: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const call = run();
  // The late outcome of an abandoned call must not surface as an unhandled rejection.
  const ended = call.then(
    () => undefined,
    () => undefined,
  );
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeout(action, timeoutMs, ended)), timeoutMs);
  });
  try {
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
