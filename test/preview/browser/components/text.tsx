/** Text, Heading, Link, List, DescriptionList and DescriptionListItem. */
import { Children, type CSSProperties, type ReactNode } from 'react';
import { OverlayAnchor, useOverlayOwner, useOverlays } from './overlays';
import { cx, extensionEvent, hrefOf, hs, useCallRemote, type BaseProps, type HrefProp } from './shared';

interface TextFormat {
  fontWeight?: 'regular' | 'bold' | 'demibold';
  italic?: boolean;
  lineDecoration?: 'none' | 'underline' | 'strikethrough';
  textTransform?: 'none' | 'uppercase' | 'lowercase' | 'capitalize' | 'sentenceCase';
}

function formatStyle(format: TextFormat | undefined): CSSProperties {
  if (!format) return {};
  const weights = { regular: 400, demibold: 600, bold: 700 } as const;
  const decorations = { none: 'none', underline: 'underline', strikethrough: 'line-through' } as const;
  return {
    ...(format.fontWeight ? { fontWeight: weights[format.fontWeight] } : {}),
    ...(format.italic ? { fontStyle: 'italic' } : {}),
    ...(format.lineDecoration ? { textDecoration: decorations[format.lineDecoration] } : {}),
    ...(format.textTransform && format.textTransform !== 'sentenceCase'
      ? { textTransform: format.textTransform }
      : {}),
  };
}

export function Text(
  props: BaseProps & {
    variant?: 'bodytext' | 'microcopy';
    inline?: boolean;
    format?: TextFormat;
    truncate?: boolean | { maxWidth?: number; tooltipText?: string };
  },
) {
  const Tag = props.inline ? 'span' : 'p';
  const truncate = props.truncate;
  const style: CSSProperties = {
    ...formatStyle(props.format),
    ...(typeof truncate === 'object' && truncate.maxWidth !== undefined
      ? { maxWidth: truncate.maxWidth }
      : {}),
  };
  return (
    <Tag
      {...hs('Text', props)}
      className={cx(
        'pv-text',
        props.variant === 'microcopy' && 'pv-text--microcopy',
        props.format?.textTransform === 'sentenceCase' && 'pv-text--sentence',
        truncate && 'pv-truncate',
      )}
      style={style}
      title={typeof truncate === 'object' ? truncate.tooltipText : undefined}
    >
      {props.children}
    </Tag>
  );
}

export function Heading(props: BaseProps & { inline?: boolean }) {
  return (
    <h3 {...hs('Heading', props)} className={cx('pv-heading', props.inline && 'pv-heading--inline')}>
      {props.children}
    </h3>
  );
}

export function Link(
  props: BaseProps & {
    href: HrefProp;
    variant?: 'primary' | 'destructive' | 'light' | 'dark';
    onClick?: (...args: never[]) => void;
    preventDefault?: boolean;
    overlay?: ReactNode;
  },
) {
  const callRemote = useCallRemote();
  const overlays = useOverlays();
  const { openOwned, rendered } = useOverlayOwner(props.overlay);
  const url = hrefOf(props.href);
  return (
    <OverlayAnchor overlay={rendered}>
      <a
        {...hs('Link', props)}
        className={cx('pv-link', `pv-link--${props.variant ?? 'primary'}`)}
        href={url ?? '#'}
        target={url ? '_blank' : undefined}
        rel="noopener noreferrer"
        onClick={(event) => {
          if (props.preventDefault || !url) event.preventDefault();
          openOwned();
          callRemote(
            props.onClick as ((...args: unknown[]) => void) | undefined,
            extensionEvent('click', event.currentTarget),
            overlays.reactions,
          );
        }}
      >
        {props.children}
      </a>
    </OverlayAnchor>
  );
}

type ListVariant =
  'unordered' | 'unordered-styled' | 'ordered' | 'ordered-styled' | 'inline' | 'inline-divided';

/** HubSpot wraps each child of a List in a list item itself. */
export function List(props: BaseProps & { variant?: ListVariant }) {
  const variant = props.variant ?? 'unordered';
  const Tag = variant.startsWith('ordered') ? 'ol' : 'ul';
  return (
    <Tag {...hs('List', props)} className={cx('pv-list', `pv-list--${variant}`)}>
      {Children.map(props.children, (child) => (
        <li className="pv-list__item">{child}</li>
      ))}
    </Tag>
  );
}

export function DescriptionList(props: BaseProps & { direction?: 'row' | 'column' }) {
  return (
    <dl
      {...hs('DescriptionList', props)}
      className={cx('pv-description-list', `pv-description-list--${props.direction ?? 'column'}`)}
    >
      {props.children}
    </dl>
  );
}

export function DescriptionListItem(props: BaseProps & { label: string }) {
  return (
    <div {...hs('DescriptionListItem', props)} className="pv-description-list__item">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}
