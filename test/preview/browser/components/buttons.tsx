/** Button, LoadingButton, ButtonRow, Dropdown and its items. */
import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { Icon } from './media';
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

interface ButtonProps extends BaseProps {
  onClick?: (event: ReturnType<typeof extensionEvent>, reactions: unknown) => void;
  href?: HrefProp;
  disabled?: boolean;
  variant?: 'primary' | 'secondary' | 'destructive' | 'transparent';
  type?: 'button' | 'reset' | 'submit';
  size?: string;
  truncate?: boolean;
  overlay?: ReactNode;
}

function ButtonBase(props: ButtonProps & { component: string; busy?: boolean; after?: ReactNode }) {
  const callRemote = useCallRemote();
  const overlays = useOverlays();
  const { openOwned, rendered } = useOverlayOwner(props.overlay);
  const disabled = props.disabled === true || props.busy === true;
  const onClick = (event: MouseEvent<HTMLElement>) => {
    if (disabled) {
      event.preventDefault();
      return;
    }
    openOwned();
    callRemote(props.onClick, extensionEvent('click', event.currentTarget), overlays.reactions);
  };
  const className = cx(
    'pv-button',
    `pv-button--${props.variant ?? 'secondary'}`,
    `pv-button--${sizeName(props.size, 'md')}`,
    props.truncate && 'pv-truncate',
  );
  const content = (
    <>
      {props.busy && <span className="pv-spinner pv-spinner--xs" aria-hidden="true" />}
      <span className="pv-button__label">{props.children}</span>
      {props.after}
    </>
  );
  const url = hrefOf(props.href);
  const button =
    url !== null ? (
      <a
        {...hs(props.component, props)}
        className={className}
        href={disabled ? undefined : url}
        target="_blank"
        rel="noopener noreferrer"
        role="button"
        aria-disabled={disabled || undefined}
        onClick={onClick}
      >
        {content}
      </a>
    ) : (
      <button
        {...hs(props.component, props)}
        className={className}
        type={props.type ?? 'button'}
        disabled={disabled}
        aria-busy={props.busy || undefined}
        onClick={onClick}
      >
        {content}
      </button>
    );
  return <OverlayAnchor overlay={rendered}>{button}</OverlayAnchor>;
}

export function Button(props: ButtonProps) {
  return <ButtonBase {...props} component="Button" />;
}

export function LoadingButton(
  props: ButtonProps & { loading?: boolean; resultIconName?: string; overlayOptions?: unknown },
) {
  const after =
    !props.loading && props.resultIconName ? <Icon name={props.resultIconName} size="sm" /> : null;
  return <ButtonBase {...props} component="LoadingButton" busy={props.loading === true} after={after} />;
}

export function ButtonRow(props: BaseProps & { disableDropdown?: boolean }) {
  return (
    <div {...hs('ButtonRow', props)} className="pv-button-row">
      {props.children}
    </div>
  );
}

const DropdownContext = createContext<{ close(): void }>({ close: () => undefined });

export function Dropdown(
  props: BaseProps & {
    options?: Array<{ label: string; onClick?: () => void }>;
    variant?: 'primary' | 'secondary' | 'transparent';
    buttonText?: string;
    buttonSize?: string;
    disabled?: boolean;
  },
) {
  const [open, setOpen] = useState(false);
  const callRemote = useCallRemote();
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (event: globalThis.MouseEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  return (
    <div {...hs('Dropdown', props)} className="pv-dropdown" ref={container}>
      <button
        type="button"
        className={cx(
          'pv-button',
          `pv-button--${props.variant ?? 'primary'}`,
          `pv-button--${sizeName(props.buttonSize, 'md')}`,
        )}
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={props.disabled}
        onClick={() => setOpen(!open)}
      >
        {props.buttonText ?? 'More'} <span aria-hidden="true">▾</span>
      </button>
      {/* Always mounted: an item's overlay (a Modal it opens) must outlive the menu closing. */}
      <div role="menu" className="pv-dropdown__menu" hidden={!open}>
        {(props.options ?? []).map((option, index) => (
          <button
            key={index}
            type="button"
            role="menuitem"
            className="pv-dropdown__item"
            onClick={() => {
              setOpen(false);
              callRemote(option.onClick);
            }}
          >
            {option.label}
          </button>
        ))}
        <DropdownContext.Provider value={{ close: () => setOpen(false) }}>
          {props.children}
        </DropdownContext.Provider>
      </div>
    </div>
  );
}

export function DropdownButtonItem(props: BaseProps & Pick<ButtonProps, 'onClick' | 'overlay'>) {
  const dropdown = useContext(DropdownContext);
  const callRemote = useCallRemote();
  const overlays = useOverlays();
  const { openOwned, rendered } = useOverlayOwner(props.overlay);
  return (
    <>
      <button
        {...hs('DropdownButtonItem', props)}
        type="button"
        role="menuitem"
        className="pv-dropdown__item"
        onClick={(event) => {
          dropdown.close();
          openOwned();
          callRemote(props.onClick, extensionEvent('click', event.currentTarget), overlays.reactions);
        }}
      >
        {props.children}
      </button>
      {rendered}
    </>
  );
}
