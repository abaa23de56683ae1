/**
 * What every table module shares: the query handle type, JSON columns checked with zod on the way back,
 * unique-violation detection on both dialects, and row locks that only PostgreSQL has.
 */
import type { Knex } from 'knex';
import type { z } from 'zod';
import { dialectOfDb } from './knex';

/** A knex instance or a transaction: every table function accepts either, so callers compose writes. */
export type Queryable = Knex | Knex.Transaction;

export const storageErrorCodes = ['invalid_row', 'invalid_input'] as const;
export type StorageErrorCode = (typeof storageErrorCodes)[number];

/**
 * A row that does not match its schema, or input a table function refuses. Both are bugs in the caller or
 * a damaged database, never a condition to retry.
 */
export class StorageError extends Error {
  readonly category = 'storage' as const;
  readonly retryable = false;
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/** Parses input with a schema or throws `invalid_input` naming the table and every problem. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new StorageError('invalid_input', `${where}: ${describeIssues(result.error)}`, {
    issues: result.error.issues,
  });
}

/** Parses a JSON text column and validates it, or throws `invalid_row` naming the table and column. */
export function parseJsonColumn<S extends z.ZodType>(schema: S, text: string, where: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StorageError('invalid_row', `${where}: not JSON`);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new StorageError('invalid_row', `${where}: ${describeIssues(result.error)}`, {
    issues: result.error.issues,
  });
}

/** Validates a row read back (literal unions stored as text) or throws `invalid_row`. */
export function parseRow<S extends z.ZodType>(schema: S, row: unknown, where: string): z.output<S> {
  const result = schema.safeParse(row);
  if (result.success) return result.data;
  throw new StorageError('invalid_row', `${where}: ${describeIssues(result.error)}`, {
    issues: result.error.issues,
  });
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(value)'} ${issue.message}`).join('; ');
}

/** True when a write failed on a primary key or unique index (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT). */
export function isUniqueViolation(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === '23505') return true;
  return (
    code === 'SQLITE_CONSTRAINT' &&
    typeof message === 'string' &&
    /UNIQUE constraint failed|PRIMARY KEY/.test(message)
  );
}

/**
 * Locks the selected rows until the transaction ends, on PostgreSQL. SQLite has no row locks: its single
 * writer already serialises every write transaction, so there is nothing to add there.
 */
export function lockForUpdate<Q extends Knex.QueryBuilder>(db: Queryable, query: Q): Q {
  return dialectOfDb(db) === 'postgres' ? (query.forUpdate() as Q) : query;
}

/** Runs `work` in a transaction, or in a savepoint when `db` is already one, so callers can compose. */
export function inTransaction<T>(db: Queryable, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(work);
}
