/** The SOQL subset the emulator understands, as a syntax tree. */

export interface Position {
  /** 0-based offset into the query text, for error messages. */
  offset: number;
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; ms: number; text: string }
  | { kind: 'dateRange'; name: string; n: number | null };

export type AggregateFn = 'COUNT' | 'COUNT_DISTINCT' | 'MIN' | 'MAX' | 'SUM' | 'AVG';

export type SelectItem =
  | ({ kind: 'field'; path: string[]; text: string } & Position)
  | ({ kind: 'subquery'; query: Query } & Position)
  | ({
      kind: 'aggregate';
      fn: AggregateFn;
      path: string[] | null;
      text: string;
      alias: string | null;
    } & Position)
  | ({ kind: 'fields'; which: 'ALL' | 'STANDARD' | 'CUSTOM' } & Position)
  | ({ kind: 'count' } & Position);

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | ({ kind: 'compare'; path: string[]; text: string; op: ComparisonOp; value: Literal } & Position)
  | ({ kind: 'in'; path: string[]; text: string; negated: boolean; values: Literal[] } & Position)
  | ({ kind: 'inQuery'; path: string[]; text: string; negated: boolean; query: Query } & Position)
  | ({ kind: 'includes'; path: string[]; text: string; negated: boolean; values: string[] } & Position);

export interface OrderItem extends Position {
  path: string[];
  text: string;
  descending: boolean;
  nullsLast: boolean;
}

export interface Query {
  select: SelectItem[];
  from: string;
  fromOffset: number;
  alias: string | null;
  where: Condition | null;
  groupBy: { path: string[]; text: string; offset: number }[];
  orderBy: OrderItem[];
  limit: number | null;
  offset: number | null;
}
