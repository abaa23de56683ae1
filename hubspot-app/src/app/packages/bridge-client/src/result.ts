/** What every request to the bridge comes back as: the answer, or an error a person can read. */
export interface ApiError {
  /** The bridge's HTTP status; null when it gave no answer at all. */
  readonly status: number | null;
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export type ApiResult<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly error: ApiError };
