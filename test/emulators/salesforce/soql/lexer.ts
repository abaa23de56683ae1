/** Tokens of SOQL text. Keywords are case-insensitive; identifiers keep their dots (Account.Name). */

import { errors } from '../core/errors';
import { parseDateTime } from '../core/time';
import { malformedAt } from './messages';

export type Token =
  | { kind: 'ident'; text: string; offset: number }
  | { kind: 'string'; value: string; text: string; offset: number }
  | { kind: 'number'; value: number; text: string; offset: number }
  | { kind: 'date'; value: string; text: string; offset: number }
  | { kind: 'datetime'; ms: number; text: string; offset: number }
  | { kind: 'punct'; text: string; offset: number }
  | { kind: 'eof'; text: string; offset: number };

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^-?\d+(\.\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/;
const PUNCT = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', ':'];

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const rest = soql.slice(i);
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (; j < soql.length && soql.charAt(j) !== "'"; j++) {
        if (soql.charAt(j) === '\\') {
          j += 1;
          const escaped = soql.charAt(j);
          // `\%` and `\_` are LIKE's own escapes (a literal % or _): they stay escaped for the pattern.
          if (escaped === '%' || escaped === '_') value += `\\${escaped}`;
          else
            value +=
              ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[escaped] ?? escaped;
        } else value += soql.charAt(j);
      }
      if (j >= soql.length)
        throw malformedAt(soql, i, `line 1:${i} mismatched character '<EOF>' expecting '''`);
      tokens.push({ kind: 'string', value, text: soql.slice(i, j + 1), offset: i });
      i = j + 1;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      const ms = parseDateTime(datetime[0]);
      if (ms === null) throw errors.malformedQuery(`Invalid datetime: ${datetime[0]}`);
      tokens.push({ kind: 'datetime', ms, text: datetime[0], offset: i });
      i += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', value: date[0], text: date[0], offset: i });
      i += date[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number && (c !== '-' || /\d/.test(soql.charAt(i + 1)))) {
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], offset: i });
      i += number[0].length;
      continue;
    }
    const ident = IDENT.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], offset: i });
      i += ident[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => rest.startsWith(p));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct === '<>' ? '!=' : punct, offset: i });
      i += punct.length;
      continue;
    }
    throw malformedAt(soql, i, `unexpected token: '${c}'`);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', offset: soql.length });
  return tokens;
}
