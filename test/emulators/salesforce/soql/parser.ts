/**
 * A recursive-descent parser for the SOQL a sync engine sends: field lists with parent paths,
 * child subqueries, COUNT() and simple aggregates, WHERE with AND/OR/NOT, comparisons, IN (values
 * or a semi-join), LIKE, INCLUDES/EXCLUDES, date and datetime literals, GROUP BY, ORDER BY, LIMIT
 * and OFFSET. Anything else is a MALFORMED_QUERY, as it would be on a typo in Salesforce.
 */

import type { AggregateFn, ComparisonOp, Condition, Literal, OrderItem, Query, SelectItem } from './ast';
import type { Token } from './lexer';
import { tokenize } from './lexer';
import { malformedAt } from './messages';

const AGGREGATES: AggregateFn[] = ['COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM', 'AVG'];
const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'INCLUDES',
  'EXCLUDES',
  'ORDER',
  'BY',
  'GROUP',
  'LIMIT',
  'OFFSET',
  'ASC',
  'DESC',
  'NULLS',
  'HAVING',
  'WITH',
  'FOR',
  'USING',
]);
const DATE_RANGES = new Set([
  'TODAY',
  'YESTERDAY',
  'TOMORROW',
  'THIS_MONTH',
  'LAST_MONTH',
  'THIS_YEAR',
  'LAST_N_DAYS',
  'NEXT_N_DAYS',
  'N_DAYS_AGO',
]);
const RANGES_WITH_N = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO']);

export function parseSoql(soql: string): Query {
  const parser = new Parser(soql, tokenize(soql));
  const query = parser.query();
  parser.expectEnd();
  return query;
}

class Parser {
  private i = 0;

  constructor(
    private readonly soql: string,
    private readonly tokens: Token[],
  ) {}

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.i += 1;
    return token;
  }

  private fail(token: Token): never {
    throw malformedAt(this.soql, token.offset, `unexpected token: ${token.text}`);
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'ident' && token.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i += 1;
    return true;
  }

  private keyword(word: string): void {
    if (!this.acceptKeyword(word)) this.fail(this.peek());
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private punct(text: string): void {
    if (!this.isPunct(text)) this.fail(this.peek());
    this.i += 1;
  }

  private identifier(): Token & { kind: 'ident' } {
    const token = this.next();
    if (token.kind !== 'ident' || RESERVED.has(token.text.toUpperCase())) this.fail(token);
    return token;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') this.fail(token);
  }

  query(): Query {
    this.keyword('SELECT');
    const select = this.selectList();
    this.keyword('FROM');
    const from = this.identifier();
    if (from.text.includes('.')) this.fail(from);
    let alias: string | null = null;
    const maybeAlias = this.peek();
    if (maybeAlias.kind === 'ident' && !RESERVED.has(maybeAlias.text.toUpperCase())) {
      alias = this.identifier().text;
    }
    const where = this.acceptKeyword('WHERE') ? this.condition() : null;
    const groupBy: Query['groupBy'] = [];
    if (this.acceptKeyword('GROUP')) {
      this.keyword('BY');
      do {
        const token = this.identifier();
        groupBy.push({ path: token.text.split('.'), text: token.text, offset: token.offset });
      } while (this.isPunct(',') && this.next());
    }
    const orderBy: OrderItem[] = [];
    if (this.acceptKeyword('ORDER')) {
      this.keyword('BY');
      do orderBy.push(this.orderItem());
      while (this.isPunct(',') && this.next());
    }
    const limit = this.acceptKeyword('LIMIT') ? this.integer() : null;
    const offset = this.acceptKeyword('OFFSET') ? this.integer() : null;
    return {
      select,
      from: from.text,
      fromOffset: from.offset,
      alias,
      where,
      groupBy,
      orderBy,
      limit,
      offset,
    };
  }

  private integer(): number {
    const token = this.next();
    if (token.kind !== 'number' || !Number.isInteger(token.value) || token.value < 0) this.fail(token);
    return token.value;
  }

  private selectList(): SelectItem[] {
    const items: SelectItem[] = [];
    do items.push(this.selectItem());
    while (this.isPunct(',') && this.next());
    return items;
  }

  private selectItem(): SelectItem {
    const token = this.peek();
    if (this.isPunct('(')) {
      this.next();
      const query = this.query();
      this.punct(')');
      return { kind: 'subquery', query, offset: token.offset };
    }
    const name = this.identifier();
    const upper = name.text.toUpperCase();
    if (this.isPunct('(')) {
      this.next();
      if (upper === 'FIELDS') {
        const which = this.identifier().text.toUpperCase();
        if (which !== 'ALL' && which !== 'STANDARD' && which !== 'CUSTOM')
          this.fail(this.tokens[this.i - 1] as Token);
        this.punct(')');
        return { kind: 'fields', which, offset: name.offset };
      }
      if (!AGGREGATES.includes(upper as AggregateFn)) this.fail(name);
      if (upper === 'COUNT' && this.isPunct(')')) {
        this.next();
        return { kind: 'count', offset: name.offset };
      }
      const argument = this.identifier();
      this.punct(')');
      const aliasToken = this.peek();
      const alias =
        aliasToken.kind === 'ident' && !RESERVED.has(aliasToken.text.toUpperCase())
          ? this.identifier().text
          : null;
      return {
        kind: 'aggregate',
        fn: upper as AggregateFn,
        path: argument.text.split('.'),
        text: `${upper}(${argument.text})`,
        alias,
        offset: name.offset,
      };
    }
    return { kind: 'field', path: name.text.split('.'), text: name.text, offset: name.offset };
  }

  private orderItem(): OrderItem {
    const token = this.identifier();
    let descending = false;
    if (this.acceptKeyword('DESC')) descending = true;
    else this.acceptKeyword('ASC');
    let nullsLast = descending;
    if (this.acceptKeyword('NULLS')) {
      if (this.acceptKeyword('LAST')) nullsLast = true;
      else {
        this.keyword('FIRST');
        nullsLast = false;
      }
    }
    return { path: token.text.split('.'), text: token.text, descending, nullsLast, offset: token.offset };
  }

  private condition(): Condition {
    const items = [this.conjunction()];
    while (this.acceptKeyword('OR')) items.push(this.conjunction());
    return items.length === 1 ? (items[0] as Condition) : { kind: 'or', items };
  }

  private conjunction(): Condition {
    const items = [this.negation()];
    while (this.acceptKeyword('AND')) items.push(this.negation());
    return items.length === 1 ? (items[0] as Condition) : { kind: 'and', items };
  }

  private negation(): Condition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', item: this.negation() };
    if (this.isPunct('(')) {
      this.next();
      const inner = this.condition();
      this.punct(')');
      return inner;
    }
    return this.predicate();
  }

  private predicate(): Condition {
    const field = this.identifier();
    const base = { path: field.text.split('.'), text: field.text, offset: field.offset };
    const negated = this.isKeyword('NOT') && (this.isKeyword('IN', 1) || this.isKeyword('LIKE', 1));
    if (negated) this.next();
    if (this.acceptKeyword('IN')) {
      this.punct('(');
      if (this.isKeyword('SELECT')) {
        const query = this.query();
        this.punct(')');
        return { kind: 'inQuery', ...base, negated, query };
      }
      const values = this.literalList();
      return { kind: 'in', ...base, negated, values };
    }
    if (this.acceptKeyword('LIKE')) {
      const value = this.literal();
      const compare: Condition = { kind: 'compare', ...base, op: 'LIKE', value };
      return negated ? { kind: 'not', item: compare } : compare;
    }
    if (this.isKeyword('INCLUDES') || this.isKeyword('EXCLUDES')) {
      const excludes = this.next().text.toUpperCase() === 'EXCLUDES';
      this.punct('(');
      const values = this.literalList().map((literal) => {
        if (literal.kind !== 'string') this.fail(this.tokens[this.i - 1] as Token);
        return literal.value;
      });
      return { kind: 'includes', ...base, negated: excludes, values };
    }
    const op = this.next();
    if (op.kind !== 'punct' || !['=', '!=', '<', '<=', '>', '>='].includes(op.text)) this.fail(op);
    return { kind: 'compare', ...base, op: op.text as ComparisonOp, value: this.literal() };
  }

  private literalList(): Literal[] {
    const values: Literal[] = [];
    do values.push(this.literal());
    while (this.isPunct(',') && this.next());
    this.punct(')');
    return values;
  }

  private literal(): Literal {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value };
      case 'number':
        return { kind: 'number', value: token.value };
      case 'date':
        return { kind: 'date', value: token.value };
      case 'datetime':
        return { kind: 'datetime', ms: token.ms, text: token.text };
      case 'ident': {
        const upper = token.text.toUpperCase();
        if (upper === 'NULL') return { kind: 'null' };
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
        if (DATE_RANGES.has(upper)) {
          if (!RANGES_WITH_N.has(upper)) return { kind: 'dateRange', name: upper, n: null };
          this.punct(':');
          return { kind: 'dateRange', name: upper, n: this.integer() };
        }
        return this.fail(token);
      }
      default:
        return this.fail(token);
    }
  }
}
