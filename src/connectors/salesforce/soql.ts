/** SOQL literals built safely: quoted strings, IN lists and datetimes. */

/** A string literal: single quotes, with backslash and quote escaped as SOQL requires. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function soqlList(values: readonly string[]): string {
  return `(${values.map(soqlString).join(', ')})`;
}

/** A datetime literal (unquoted, UTC, second precision — SOQL ignores milliseconds). */
export function soqlDateTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Salesforce's `2026-01-01T00:00:00.000+0000` (or any ISO form) as epoch ms; null when absent or bad. */
export function parseSalesforceDateTime(value: unknown): number | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const iso = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
