/**
 * Table and its parts. A paginated table draws its page buttons and calls `onPageChange(pageNumber)`
 * (1-based); it follows `page` when the extension sets it. A sortable header cycles none → ascending →
 * descending and calls `onSortChange(direction)`.
 */
import { useState, type CSSProperties } from 'react';
import { cx, hs, useCallRemote, type BaseProps } from './shared';

interface TableProps extends BaseProps {
  bordered?: boolean;
  flush?: boolean;
  density?: 'default' | 'condensed' | 'compact';
  paginated?: boolean;
  pageCount?: number;
  page?: number;
  showButtonLabels?: boolean;
  showFirstLastButtons?: boolean;
  maxVisiblePageButtons?: number;
  onPageChange?: (pageNumber: number) => void;
}

export function Table(props: TableProps) {
  const callRemote = useCallRemote();
  const [ownPage, setOwnPage] = useState(1);
  const page = props.page ?? ownPage;
  const go = (next: number) => {
    if (props.page === undefined) setOwnPage(next);
    callRemote(props.onPageChange, next);
  };
  return (
    <div {...hs('Table', props)} className={cx('pv-table-wrap', props.flush && 'pv-flush')}>
      <table
        className={cx(
          'pv-table',
          props.bordered !== false && 'pv-table--bordered',
          `pv-table--${props.density ?? 'default'}`,
        )}
      >
        {props.children}
      </table>
      {props.paginated && (
        <Pagination
          page={page}
          pageCount={props.pageCount ?? 1}
          labels={props.showButtonLabels !== false}
          firstLast={props.showFirstLastButtons === true}
          maxButtons={props.maxVisiblePageButtons ?? 5}
          onChange={go}
        />
      )}
    </div>
  );
}

function Pagination(props: {
  page: number;
  pageCount: number;
  labels: boolean;
  firstLast: boolean;
  maxButtons: number;
  onChange: (page: number) => void;
}) {
  const { page, pageCount } = props;
  const half = Math.floor(props.maxButtons / 2);
  const first = Math.max(1, Math.min(page - half, pageCount - props.maxButtons + 1));
  const last = Math.min(pageCount, first + props.maxButtons - 1);
  const pages = Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => first + index);
  const nav = (label: string, symbol: string, target: number, disabled: boolean) => (
    <button
      type="button"
      className="pv-pagination__step"
      aria-label={label}
      disabled={disabled}
      onClick={() => props.onChange(target)}
    >
      {symbol}
      {props.labels && <span className="pv-pagination__label">{label}</span>}
    </button>
  );
  return (
    <nav className="pv-pagination" aria-label="Pagination">
      {props.firstLast && nav('First', '«', 1, page <= 1)}
      {nav('Prev', '‹', page - 1, page <= 1)}
      {pages.map((number) => (
        <button
          key={number}
          type="button"
          className={cx('pv-pagination__page', number === page && 'pv-pagination__page--current')}
          aria-current={number === page ? 'page' : undefined}
          data-page={number}
          onClick={() => number !== page && props.onChange(number)}
        >
          {number}
        </button>
      ))}
      {nav('Next', '›', page + 1, page >= pageCount)}
      {props.firstLast && nav('Last', '»', pageCount, page >= pageCount)}
    </nav>
  );
}

export function TableHead(props: BaseProps) {
  return <thead {...hs('TableHead', props)}>{props.children}</thead>;
}

export function TableBody(props: BaseProps) {
  return <tbody {...hs('TableBody', props)}>{props.children}</tbody>;
}

export function TableFooter(props: BaseProps) {
  return <tfoot {...hs('TableFooter', props)}>{props.children}</tfoot>;
}

export function TableRow(props: BaseProps) {
  return <tr {...hs('TableRow', props)}>{props.children}</tr>;
}

interface CellLayout {
  align?: 'left' | 'center' | 'right';
  width?: 'min' | 'max' | 'auto' | number;
}

function cellStyle(props: CellLayout): CSSProperties {
  const width =
    props.width === 'min'
      ? { width: '1%', whiteSpace: 'nowrap' as const }
      : props.width === 'max'
        ? { width: '100%' }
        : typeof props.width === 'number'
          ? { width: props.width }
          : {};
  return { ...(props.align ? { textAlign: props.align } : {}), ...width };
}

type SortDirection = 'ascending' | 'descending' | 'none';
const NEXT_SORT: Record<SortDirection, SortDirection> = {
  none: 'ascending',
  ascending: 'descending',
  descending: 'none',
};

export function TableHeader(
  props: BaseProps &
    CellLayout & {
      sortDirection?: SortDirection | 'never';
      onSortChange?: (direction: SortDirection) => void;
      disabled?: boolean;
    },
) {
  const callRemote = useCallRemote();
  const sortable = props.sortDirection !== undefined && props.sortDirection !== 'never';
  const direction = (sortable ? props.sortDirection : 'none') as SortDirection;
  return (
    <th
      {...hs('TableHeader', props)}
      style={cellStyle(props)}
      aria-sort={sortable && direction !== 'none' ? direction : undefined}
    >
      {sortable ? (
        <button
          type="button"
          className="pv-table__sort"
          disabled={props.disabled}
          onClick={() => callRemote(props.onSortChange, NEXT_SORT[direction])}
        >
          {props.children}
          <span className="pv-table__sort-icon" aria-hidden="true">
            {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '⇅'}
          </span>
        </button>
      ) : (
        props.children
      )}
    </th>
  );
}

export function TableCell(props: BaseProps & CellLayout & { colSpan?: number }) {
  return (
    <td {...hs('TableCell', props)} style={cellStyle(props)} colSpan={props.colSpan}>
      {props.children}
    </td>
  );
}
