/**
 * In-process wake-up: a worker sleeping because the queue was empty starts its next claim at once when
 * something in the same process marks a record dirty (a webhook, "Sync now"), so the webhook path does not
 * wait out the idle interval. Other processes find the work at their next poll of the queue.
 *
 * Call `notifyDirty()` after the transaction that marked the record has committed.
 */
import { EventEmitter } from 'node:events';

const signals = new EventEmitter();
signals.setMaxListeners(0);

export function notifyDirty(): void {
  signals.emit('dirty');
}

/** Resolves after `ms`, or sooner on notifyDirty() or when `signal` aborts. */
export function sleepUntilDirty(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signals.off('dirty', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signals.on('dirty', done);
    signal?.addEventListener('abort', done);
  });
}
