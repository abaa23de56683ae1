/**
 * What every component mapping shares: the `data-component`/`data-testid` attributes tests find things
 * by, calling the extension's callbacks (proxies into the worker: they return promises), HubSpot's event
 * objects, form fields with label, description and validation message, and values that are controlled by
 * the extension but stay responsive while an update makes the round trip through the worker.
 */
import { createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface BaseProps {
  testId?: string;
  children?: ReactNode;
}

/** The attributes every rendered element carries. */
export function hs(component: string, props: { testId?: string | undefined }) {
  return {
    'data-component': component,
    ...(props.testId !== undefined ? { 'data-testid': props.testId } : {}),
  };
}

export function cx(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(' ');
}

/** Reports a callback that threw inside the extension; set by the extension's frame. */
export const CallbackErrorContext = createContext<(error: unknown) => void>((error) =>
  console.error('[preview] an extension callback failed', error),
);

type AnyCallback = ((...args: never[]) => unknown) | undefined;

/**
 * Calls one of the extension's callbacks. They live in the worker, so the call is asynchronous; a failure
 * is reported (the frame shows it) rather than lost as an unhandled rejection.
 */
export function useCallRemote() {
  const report = useContext(CallbackErrorContext);
  return <F extends AnyCallback>(callback: F, ...args: F extends (...a: infer A) => unknown ? A : never) => {
    if (typeof callback !== 'function') return;
    try {
      void Promise.resolve((callback as (...a: unknown[]) => unknown)(...args)).catch(report);
    } catch (error) {
      report(error);
    }
  };
}

/** HubSpot's ExtensionEvent: what `onClick` and friends receive (a plain object, so it crosses to the worker). */
export function extensionEvent(type: string, target?: { id?: string } | null) {
  return { type, bubbles: true, timeStamp: Date.now(), id: target?.id ?? '' };
}

/**
 * A value the extension may control (`value`) or only seed (`defaultValue`). Local edits show at once; a new
 * value from the extension replaces them when it arrives.
 */
export function useLocalValue<T>(value: T | undefined, fallback: T): [T, (next: T) => void] {
  const [local, setLocal] = useState<T>(value ?? fallback);
  const previous = useRef(value);
  useEffect(() => {
    if (!Object.is(previous.current, value) && value !== undefined) setLocal(value);
    previous.current = value;
  }, [value]);
  return [local, setLocal];
}

export type HrefProp = string | { url: string; external?: boolean } | undefined;

/** HubSpot's href prop; links leave the page in a new tab, as HubSpot opens them outside the CRM frame. */
export function hrefOf(href: HrefProp): string | null {
  if (href === undefined) return null;
  return typeof href === 'string' ? href : href.url;
}

export function openHref(href: HrefProp): void {
  const url = hrefOf(href);
  if (url) window.open(url, '_blank', 'noopener');
}

/** HubSpot's distances (`flush`, `xs` … `xl` and their long names) as a CSS length. */
export function distance(value: string | undefined, fallback = 'sm'): string {
  const name = value ?? fallback;
  const sizes: Record<string, string> = {
    flush: '0',
    xs: '4px',
    'extra-small': '4px',
    sm: '8px',
    small: '8px',
    md: '16px',
    medium: '16px',
    lg: '24px',
    large: '24px',
    xl: '32px',
    'extra-large': '32px',
  };
  return sizes[name] ?? sizes[fallback] ?? '8px';
}

/** A short size name ('xs' … 'xl') from either spelling. */
export function sizeName(value: string | undefined, fallback: string): string {
  const long: Record<string, string> = {
    'extra-small': 'xs',
    small: 'sm',
    medium: 'md',
    large: 'lg',
    'extra-large': 'xl',
  };
  if (value === undefined || value === 'default') return fallback;
  return long[value] ?? value;
}

export const FLEX_JUSTIFY: Record<string, string> = {
  start: 'flex-start',
  center: 'center',
  end: 'flex-end',
  around: 'space-around',
  between: 'space-between',
};
export const FLEX_ALIGN: Record<string, string> = {
  start: 'flex-start',
  center: 'center',
  end: 'flex-end',
  baseline: 'baseline',
  stretch: 'stretch',
  auto: 'auto',
};

export interface FieldProps {
  component: string;
  testId?: string | undefined;
  label?: string | undefined;
  required?: boolean | undefined;
  description?: string | undefined;
  tooltip?: string | undefined;
  error?: boolean | undefined;
  validationMessage?: string | undefined;
  /** The id of the control, for the label's `for`. */
  controlId: string;
  children: ReactNode;
  className?: string;
}

/** A form field as HubSpot lays it out: label, description, the control, then the validation message. */
export function Field(props: FieldProps) {
  return (
    <div
      {...hs(props.component, props)}
      className={cx('pv-field', props.error && 'pv-field--error', props.className)}
    >
      {props.label !== undefined && (
        <label className="pv-field__label" htmlFor={props.controlId}>
          {props.label}
          {props.required && (
            <span className="pv-field__required" aria-hidden="true">
              *
            </span>
          )}
          {props.tooltip !== undefined && (
            <span className="pv-field__tooltip" title={props.tooltip} aria-label={props.tooltip}>
              ⓘ
            </span>
          )}
        </label>
      )}
      {props.description !== undefined && <div className="pv-field__description">{props.description}</div>}
      {props.children}
      {props.validationMessage !== undefined && props.validationMessage !== '' && (
        <div
          className={cx('pv-field__message', props.error && 'pv-field__message--error')}
          role={props.error ? 'alert' : undefined}
        >
          {props.validationMessage}
        </div>
      )}
    </div>
  );
}

/** A stable id for a control, from its `name` when it has one. */
export function useControlId(name: string | undefined): string {
  const generated = useId();
  return name ? `pv-${name}-${generated.replace(/:/g, '')}` : `pv-${generated.replace(/:/g, '')}`;
}

/** The props every HubSpot form field has. */
export interface FieldCommon extends BaseProps {
  label?: string;
  name?: string;
  required?: boolean;
  readOnly?: boolean;
  description?: string;
  tooltip?: string;
  placeholder?: string;
  error?: boolean;
  validationMessage?: string;
}

/** A field's props as Field takes them. */
export function fieldProps(component: string, props: FieldCommon, controlId: string) {
  return {
    component,
    testId: props.testId,
    label: props.label,
    required: props.required,
    description: props.description,
    tooltip: props.tooltip,
    error: props.error,
    validationMessage: props.validationMessage,
    controlId,
  };
}
