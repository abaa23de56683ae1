/** SOQL literals built safely: quoted strings, IN lists and datetimes. */

/** SOQL's escape sequences inside a quoted literal. */
const soqlEscapes: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/**
 * A string literal: single quotes, with backslash, quote, newline, carriage return, tab, backspace and form
 * feed escaped as SOQL requires. SOQL has no escape for the other control characters, and a raw one can break
 * the query (and with it the whole batch that names the value); they are left out, so such a value is looked
 * up without them.
 */
export function soqlString(value: string): string {
  const escaped = value
    .replace(/[\\'\n\r\t\b\f]/g, (char) => soqlEscapes[char] ?? char)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '');
  return `'${escaped}'`;
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

/**
 * How long one query may be on the wire. Queries go as `GET /services/data/v62.0/query?q=…`, and Salesforce
 * refuses a request whose URI and headers together exceed 16,384 bytes (414 when the URI alone does, else
 * 431). The rest of the limit is the path (about 30 bytes) and the headers: about 300 bytes as jsforce sends
 * them with a token as long as a real org's (about 115 characters). The longest query the bridge builds is
 * then about 14,300 bytes on the wire, about 2,000 under the limit (measured in
 * `test/integration/connectors/salesforceRecords.test.ts`, which requires at least 1,024 to spare).
 */
export const SALESFORCE_REQUEST_LIMIT_BYTES = 16_384;
export const SOQL_ENCODED_BUDGET = 14_000;

/** One condition to pack: `field IN (values)`, or with `contains`, `field LIKE '%value%'` for each value. */
export interface InCondition {
  readonly field: string;
  readonly values: readonly string[];
  /** Match values anywhere in the field (case-insensitively, as SOQL's LIKE does), not the whole field. */
  readonly contains?: boolean;
}

/** `'%value%'`: a LIKE pattern matching the value anywhere, its own `%` and `_` taken literally. */
export function soqlContains(value: string): string {
  const quoted = soqlString(value);
  return `'%${quoted.slice(1, -1).replace(/[%_]/g, (char) => `\\${char}`)}%'`;
}

/**
 * The length of a query's text as it goes over the wire: jsforce encodes it with encodeURIComponent, which
 * leaves `'` alone, and the HTTP client's URL parser then escapes every `'` of a query as `%27`. Every quoted
 * value costs four bytes more than encodeURIComponent alone says.
 */
export function wireLength(text: string): number {
  return encodeURIComponent(text).replace(/'/g, '%27').length;
}

const encodedLength = wireLength;

/**
 * The WHERE clauses (`a IN (…) OR b IN (…)`) that together cover every value of every condition, each
 * small enough that `around(clause)`, URL-encoded, stays within the budget: as many values per query as
 * the URL allows, so short values (ids) go hundreds to a query and long ones fewer. Values are taken in
 * order, condition after condition. A single value too long for any query still gets a clause of its own.
 */
export function packInClauses(
  conditions: readonly InCondition[],
  around: (clause: string) => string,
  budget: number = SOQL_ENCODED_BUDGET,
): string[] {
  const fixed = encodedLength(around(''));
  const clauses: string[] = [];
  let current = new Map<string, string[]>();
  let likes: string[] = [];
  let used = fixed;
  const flush = () => {
    if (current.size === 0 && likes.length === 0) return;
    clauses.push(
      [...[...current.entries()].map(([field, values]) => `${field} IN ${soqlList(values)}`), ...likes].join(
        ' OR ',
      ),
    );
    current = new Map();
    likes = [];
    used = fixed;
  };
  for (const condition of conditions) {
    for (const value of condition.values) {
      if (condition.contains) {
        const like = `${condition.field} LIKE ${soqlContains(value)}`;
        const cost = encodedLength(` OR ${like}`);
        if (used + cost > budget && (current.size > 0 || likes.length > 0)) flush();
        likes.push(like);
        used += cost;
        continue;
      }
      const opening = current.has(condition.field) ? 0 : encodedLength(` OR ${condition.field} IN ()`);
      const cost = opening + encodedLength(`${soqlString(value)}, `);
      if (used + cost > budget && (current.size > 0 || likes.length > 0)) flush();
      const list = current.get(condition.field) ?? [];
      if (list.length === 0) {
        current.set(condition.field, list);
        used += encodedLength(` OR ${condition.field} IN ()`);
      }
      list.push(value);
      used += encodedLength(`${soqlString(value)}, `);
    }
  }
  flush();
  return clauses;
}
