/** Layout: Card, Tile, Box, Flex, Inline, Stack, AutoGrid, Spacer, Divider and Accordion. */
import { useEffect, useState } from 'react';
import {
  cx,
  distance,
  FLEX_ALIGN,
  FLEX_JUSTIFY,
  hs,
  sizeName,
  useCallRemote,
  type BaseProps,
} from './shared';

export function Card(props: BaseProps) {
  return (
    <div {...hs('Card', props)} className="pv-card-box">
      {props.children}
    </div>
  );
}

export function Tile(props: BaseProps & { compact?: boolean; flush?: boolean }) {
  return (
    <div
      {...hs('Tile', props)}
      className={cx('pv-tile', props.compact && 'pv-tile--compact', props.flush && 'pv-flush')}
    >
      {props.children}
    </div>
  );
}

export function Box(
  props: BaseProps & {
    alignSelf?: 'start' | 'center' | 'baseline' | 'end' | 'stretch' | 'auto';
    flex?: 'initial' | 'auto' | 'none' | number;
  },
) {
  const flex =
    props.flex === undefined ? undefined : typeof props.flex === 'number' ? `${props.flex} 1 0%` : props.flex;
  return (
    <div
      {...hs('Box', props)}
      className="pv-box"
      style={{
        ...(props.alignSelf ? { alignSelf: FLEX_ALIGN[props.alignSelf] } : {}),
        ...(flex !== undefined ? { flex } : {}),
      }}
    >
      {props.children}
    </div>
  );
}

interface FlexLikeProps extends BaseProps {
  gap?: string;
  direction?: 'row' | 'column';
  justify?: string;
  align?: string;
  alignSelf?: string;
  wrap?: boolean | 'wrap' | 'nowrap';
}

function FlexLike(
  props: FlexLikeProps & { component: string; defaultDirection: 'row' | 'column'; defaultGap: string },
) {
  const wrap =
    props.wrap === true || props.wrap === 'wrap' ? 'wrap' : props.wrap === undefined ? undefined : 'nowrap';
  return (
    <div
      {...hs(props.component, props)}
      className="pv-flex"
      style={{
        flexDirection: props.direction ?? props.defaultDirection,
        gap: distance(props.gap, props.defaultGap),
        ...(props.justify ? { justifyContent: FLEX_JUSTIFY[props.justify] } : {}),
        ...(props.align ? { alignItems: FLEX_ALIGN[props.align] } : {}),
        ...(props.alignSelf ? { alignSelf: FLEX_ALIGN[props.alignSelf] } : {}),
        ...(wrap ? { flexWrap: wrap } : {}),
      }}
    >
      {props.children}
    </div>
  );
}

export function Flex(props: FlexLikeProps) {
  return <FlexLike {...props} component="Flex" defaultDirection="row" defaultGap="flush" />;
}

export function Inline(props: FlexLikeProps) {
  return (
    <FlexLike
      {...props}
      component="Inline"
      defaultDirection="row"
      defaultGap="sm"
      align={props.align ?? 'center'}
      wrap={props.wrap ?? true}
    />
  );
}

export function Stack(
  props: BaseProps & {
    distance?: string;
    direction?: 'row' | 'column';
    justify?: string;
    align?: string;
    width?: 'auto' | '100%';
  },
) {
  return (
    <div
      {...hs('Stack', props)}
      className="pv-flex"
      style={{
        flexDirection: props.direction ?? 'column',
        gap: distance(props.distance, 'sm'),
        ...(props.justify ? { justifyContent: FLEX_JUSTIFY[props.justify] } : {}),
        ...(props.align ? { alignItems: FLEX_ALIGN[props.align] } : {}),
        ...(props.width ? { width: props.width } : {}),
      }}
    >
      {props.children}
    </div>
  );
}

export function AutoGrid(props: BaseProps & { columnWidth: number; gap?: string; flexible?: boolean }) {
  const column = props.flexible === false ? `${props.columnWidth}px` : `minmax(${props.columnWidth}px, 1fr)`;
  return (
    <div
      {...hs('AutoGrid', props)}
      className="pv-autogrid"
      style={{ gridTemplateColumns: `repeat(auto-fill, ${column})`, gap: distance(props.gap, 'sm') }}
    >
      {props.children}
    </div>
  );
}

export function Spacer(props: BaseProps & { size?: string }) {
  return <div {...hs('Spacer', props)} aria-hidden="true" style={{ height: distance(props.size, 'md') }} />;
}

export function Divider(props: BaseProps & { distance?: string; size?: string }) {
  return (
    <hr
      {...hs('Divider', props)}
      className="pv-divider"
      style={{ marginBlock: distance(props.distance ?? props.size, 'sm') }}
    />
  );
}

export function Accordion(
  props: BaseProps & {
    title: string;
    defaultOpen?: boolean;
    open?: boolean;
    disabled?: boolean;
    size?: string;
    onClick?: () => void;
  },
) {
  const callRemote = useCallRemote();
  const [open, setOpen] = useState(props.open ?? props.defaultOpen ?? false);
  useEffect(() => {
    if (props.open !== undefined) setOpen(props.open);
  }, [props.open]);
  return (
    <div
      {...hs('Accordion', props)}
      className={cx(
        'pv-accordion',
        `pv-accordion--${sizeName(props.size, 'sm')}`,
        open && 'pv-accordion--open',
      )}
    >
      <button
        type="button"
        className="pv-accordion__summary"
        aria-expanded={open}
        disabled={props.disabled}
        onClick={() => {
          if (props.open === undefined) setOpen(!open);
          callRemote(props.onClick);
        }}
      >
        <span className="pv-accordion__caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {props.title}
      </button>
      <div className="pv-accordion__body" hidden={!open}>
        {props.children}
      </div>
    </div>
  );
}
