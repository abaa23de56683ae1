/**
 * Icon, Image and Illustration. Icons are drawn with text glyphs that common fonts (DejaVu) have: recognisable,
 * not HubSpot's icon font.
 */
import type { ReactNode } from 'react';
import { OverlayAnchor, useOverlayOwner, useOverlays } from './overlays';
import {
  cx,
  extensionEvent,
  hrefOf,
  hs,
  sizeName,
  useCallRemote,
  type BaseProps,
  type HrefProp,
} from './shared';

const GLYPHS: Record<string, string> = {
  add: '+',
  appointment: '▦',
  attach: '⌇',
  block: '⊘',
  bulb: '☼',
  calling: '☎',
  checkCircle: '✔',
  circleFilled: '●',
  circleHollow: '○',
  clock: '◷',
  comment: '❝',
  contact: '☻',
  copy: '❐',
  dataSync: '⇄',
  date: '▦',
  delete: '✗',
  downCarat: '▾',
  download: '⤓',
  edit: '✎',
  ellipses: '…',
  email: '✉',
  exclamation: '!',
  exclamationCircle: '⚠',
  file: '▤',
  filter: '▽',
  folder: '▭',
  gauge: '◔',
  globe: '⊕',
  hide: '◌',
  home: '⌂',
  info: 'ℹ',
  infoNoCircle: 'i',
  integrations: '⊞',
  key: '⚷',
  left: '‹',
  link: '∞',
  locked: '⊠',
  notification: '♪',
  question: '?',
  questionCircle: '?',
  record: '▣',
  redo: '↷',
  refresh: '↻',
  remove: '−',
  replace: '⇆',
  right: '›',
  robot: '☖',
  rotate: '↻',
  search: '⌕',
  send: '➤',
  settings: '⚙',
  star: '★',
  success: '✔',
  tag: '◈',
  tasks: '☑',
  thumbsDown: '▼',
  thumbsUp: '▲',
  undo: '↶',
  upCarat: '▴',
  upload: '⤒',
  view: '◉',
  warning: '⚠',
  workflows: '⇶',
  xCircle: '✖',
};

export function Icon(
  props: BaseProps & { name: string; color?: string; size?: string; screenReaderText?: string },
) {
  return (
    <span
      {...hs('Icon', props)}
      data-icon={props.name}
      className={cx(
        'pv-icon',
        `pv-icon--${sizeName(props.size, 'md')}`,
        `pv-icon--${props.color ?? 'inherit'}`,
      )}
      role={props.screenReaderText ? 'img' : undefined}
      aria-label={props.screenReaderText}
      aria-hidden={props.screenReaderText ? undefined : true}
    >
      {GLYPHS[props.name] ?? '•'}
    </span>
  );
}

export function Image(
  props: BaseProps & {
    src: string;
    alt?: string;
    href?: HrefProp;
    onClick?: (...args: never[]) => void;
    width?: number;
    height?: number;
    overlay?: ReactNode;
  },
) {
  const callRemote = useCallRemote();
  const overlays = useOverlays();
  const { openOwned, rendered } = useOverlayOwner(props.overlay);
  const interactive = props.onClick !== undefined || props.overlay !== undefined;
  const image = (
    <img
      {...hs('Image', props)}
      className={cx('pv-image', interactive && 'pv-clickable')}
      src={props.src}
      alt={props.alt ?? ''}
      width={props.width}
      height={props.height}
      onClick={(event) => {
        openOwned();
        callRemote(
          props.onClick as ((...args: unknown[]) => void) | undefined,
          extensionEvent('click', event.currentTarget),
          overlays.reactions,
        );
      }}
    />
  );
  const url = hrefOf(props.href);
  return (
    <OverlayAnchor overlay={rendered}>
      {url ? (
        <a href={url} target="_blank" rel="noopener noreferrer">
          {image}
        </a>
      ) : (
        image
      )}
    </OverlayAnchor>
  );
}

export function Illustration(
  props: BaseProps & { name: string; alt: string; width?: number; height?: number },
) {
  return (
    <div
      {...hs('Illustration', props)}
      className="pv-illustration"
      role="img"
      aria-label={props.alt}
      style={{ width: props.width ?? 120, height: props.height ?? 90 }}
    >
      <span className="pv-illustration__name">{props.name}</span>
    </div>
  );
}
