/**
 * A request's life as a card sees it: loading, the answer, or an error, never a promise left hanging. An
 * answer that arrives after the component went away, or after a newer request, is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, ApiResult } from './result';

export type RequestState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'success'; readonly data: T; readonly refreshing: boolean }
  | { readonly status: 'error'; readonly error: ApiError };

export function useRequest<T>(
  load: () => Promise<ApiResult<T>>,
  deps: readonly unknown[],
): { state: RequestState<T>; reload: () => void } {
  const [state, setState] = useState<RequestState<T>>({ status: 'loading' });
  const latest = useRef(0);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = useCallback(() => {
    latest.current += 1;
    const ticket = latest.current;
    setState((previous) =>
      previous.status === 'success' ? { ...previous, refreshing: true } : { status: 'loading' },
    );
    void load().then((result) => {
      if (!mounted.current || ticket !== latest.current) return;
      setState(
        result.ok
          ? { status: 'success', data: result.data, refreshing: false }
          : { status: 'error', error: result.error },
      );
    });
  }, deps);
  useEffect(run, [run]);
  return { state, reload: run };
}

export type ActionState =
  | { readonly status: 'idle' }
  | { readonly status: 'running' }
  | { readonly status: 'done'; readonly message: string | null }
  | { readonly status: 'error'; readonly error: ApiError };

/**
 * A button's request: running while it is in flight (the button shows it and cannot be pressed twice),
 * then done or an error to show next to it.
 */
export function useAction<A extends unknown[], T>(
  act: (...args: A) => Promise<ApiResult<T>>,
  onDone?: (data: T) => void | string | null,
): { state: ActionState; run: (...args: A) => Promise<boolean> } {
  const [state, setState] = useState<ActionState>({ status: 'idle' });
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = useCallback(
    async (...args: A) => {
      setState({ status: 'running' });
      const result = await act(...args);
      if (!mounted.current) return result.ok;
      if (!result.ok) {
        setState({ status: 'error', error: result.error });
        return false;
      }
      const message = onDone?.(result.data);
      setState({ status: 'done', message: typeof message === 'string' ? message : null });
      return true;
    },
    [act, onDone],
  );
  return { state, run };
}
