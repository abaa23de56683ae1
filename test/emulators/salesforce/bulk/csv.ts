/** CSV as Bulk API 2.0 reads and writes it: a header row, RFC 4180 quoting, a chosen delimiter. */

export const DELIMITERS = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
} as const;
export type DelimiterName = keyof typeof DELIMITERS;

/** Parses CSV text into rows of cells; throws on an unterminated quote. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let k = 0;
  const endCell = (): void => {
    row.push(cell);
    cell = '';
  };
  const endRow = (): void => {
    endCell();
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  while (k < text.length) {
    const c = text.charAt(k);
    if (quoted) {
      if (c === '"' && text.charAt(k + 1) === '"') {
        cell += '"';
        k += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      k += 1;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) endCell();
    else if (c === '\n') endRow();
    else if (c === '\r' && text.charAt(k + 1) === '\n') {
      endRow();
      k += 1;
    } else cell += c;
    k += 1;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

/** Header plus rows, every cell quoted (as Salesforce writes result files). */
export function toCsv(columns: string[], rows: Record<string, string>[], lineEnding = '\n'): string {
  const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
  const lines = [columns.map(quote).join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(row[c] ?? '')).join(','));
  return lines.join(lineEnding) + lineEnding;
}
