/**
 * Expected failures are values, bugs are throws.
 *
 * A `Result` is either `{ ok: true, value }` or `{ ok: false, error }`. Narrow on `ok`; there are no
 * methods to learn and the shape survives JSON (plans and dry runs are serialised for the card).
 */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

export function mapResult<T, U, E>(result: Result<T, E>, fn: (value: T) => U): Result<U, E> {
  return result.ok ? ok(fn(result.value)) : result;
}

/** Use in the `default` branch of a switch over a literal union so a new member fails to compile. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
