/**
 * A deadline for one API call. Neither SDK lets a caller bound a call (jsforce's own limit is 30 minutes,
 * the HubSpot SDK has none), and a call that never answers would hold a worker's whole batch. The call
 * itself is left to finish or fail in the background; its outcome is ignored.
 */

/** Default deadline of one API call. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export class CallTimeout extends Error {
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer within ${timeoutMs} ms while ${action}`);
    this.name = 'CallTimeout';
  }
}

export async function withTimeout<T>(run: () => Promise<T>, timeoutMs: number, action: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const call = run();
  // The late outcome of an abandoned call must not surface as an unhandled rejection.
  call.catch(() => undefined);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeout(action, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
