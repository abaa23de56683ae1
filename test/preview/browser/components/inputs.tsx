/**
 * Text-like inputs and Form. As in HubSpot, `onInput` gets every edit and `onChange` the committed value:
 * on blur, on Enter, and before the form's `onSubmit`. Dates are `{year, month (0-11), date}`, times
 * `{hours, minutes}`, numbers are numbers.
 */
import { useEffect, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { useOverlays } from './overlays';
import {
  extensionEvent,
  Field,
  hs,
  useCallRemote,
  useControlId,
  useLocalValue,
  type BaseProps,
} from './shared';

interface FieldCommon extends BaseProps {
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

interface TextInputProps extends FieldCommon {
  value?: string;
  defaultValue?: string;
  onChange?: (value: string) => void;
  onInput?: (value: string) => void;
  onBlur?: (value: string) => void;
  onFocus?: (value: string) => void;
}

function fieldProps(component: string, props: FieldCommon, controlId: string) {
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

/** The shared behaviour of text inputs: local value, onInput per edit, onChange when committed. */
function useTextBehaviour(props: TextInputProps) {
  const callRemote = useCallRemote();
  const [value, setValue] = useLocalValue(props.value, props.defaultValue ?? '');
  const committed = useRef(value);
  // A value the extension sets is committed already: leaving the field unchanged reports nothing.
  useEffect(() => {
    if (props.value !== undefined) committed.current = props.value;
  }, [props.value]);
  const commit = (next: string) => {
    if (next === committed.current) return;
    committed.current = next;
    callRemote(props.onChange, next);
  };
  return {
    value,
    set(next: string) {
      setValue(next);
      callRemote(props.onInput, next);
    },
    commit,
    handlers: {
      onFocus: () => callRemote(props.onFocus, value),
      onBlur: () => {
        commit(value);
        callRemote(props.onBlur, value);
      },
      onKeyDown: (event: KeyboardEvent<HTMLElement>) => {
        if (event.key === 'Enter' && event.currentTarget.tagName === 'INPUT') commit(value);
      },
    },
  };
}

export function Input(props: TextInputProps & { type?: 'text' | 'password' }) {
  const id = useControlId(props.name);
  const text = useTextBehaviour(props);
  return (
    <Field {...fieldProps('Input', props, id)}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        className="pv-input"
        value={text.value}
        placeholder={props.placeholder}
        readOnly={props.readOnly}
        required={props.required}
        aria-invalid={props.error || undefined}
        onChange={(event) => text.set(event.target.value)}
        {...text.handlers}
      />
    </Field>
  );
}

export function TextArea(
  props: TextInputProps & {
    cols?: number;
    rows?: number;
    maxLength?: number;
    resize?: 'vertical' | 'horizontal' | 'both' | 'none';
    component?: string;
  },
) {
  const id = useControlId(props.name);
  const text = useTextBehaviour(props);
  return (
    <Field {...fieldProps(props.component ?? 'TextArea', props, id)}>
      <textarea
        id={id}
        name={props.name}
        className="pv-input pv-textarea"
        value={text.value}
        placeholder={props.placeholder}
        readOnly={props.readOnly}
        required={props.required}
        rows={props.rows ?? 3}
        cols={props.cols}
        maxLength={props.maxLength}
        style={{ resize: props.resize ?? 'vertical' }}
        aria-invalid={props.error || undefined}
        onChange={(event) => text.set(event.target.value)}
        {...text.handlers}
      />
    </Field>
  );
}

export function Textarea(props: Parameters<typeof TextArea>[0]) {
  return <TextArea {...props} component="Textarea" />;
}

export function SearchInput(props: TextInputProps & { clearable?: boolean }) {
  const id = useControlId(props.name);
  const text = useTextBehaviour(props);
  return (
    <Field {...fieldProps('SearchInput', props, id)}>
      <div className="pv-input-wrap">
        <span className="pv-input-wrap__prefix" aria-hidden="true">
          ⌕
        </span>
        <input
          id={id}
          name={props.name}
          type="search"
          className="pv-input"
          value={text.value}
          placeholder={props.placeholder ?? 'Search'}
          readOnly={props.readOnly}
          aria-invalid={props.error || undefined}
          onChange={(event) => text.set(event.target.value)}
          {...text.handlers}
        />
        {props.clearable !== false && text.value !== '' && (
          <button
            type="button"
            className="pv-input-wrap__clear"
            aria-label="Clear search"
            onClick={() => {
              text.set('');
              text.commit('');
            }}
          >
            ×
          </button>
        )}
      </div>
    </Field>
  );
}

interface NumberProps extends FieldCommon {
  value?: number;
  defaultValue?: number;
  min?: number;
  max?: number;
  precision?: number;
  onChange?: (value: number) => void;
  onInput?: (value: number) => void;
  onBlur?: (value: number) => void;
  onFocus?: (value: number) => void;
}

function parseNumber(text: string, precision: number | undefined): number | null {
  if (text.trim() === '') return null;
  const parsed = Number(text);
  if (!Number.isFinite(parsed)) return null;
  return precision === undefined ? parsed : Number(parsed.toFixed(precision));
}

function NumberField(
  props: NumberProps & {
    component: string;
    prefix?: string;
    suffix?: string;
    stepSize?: number;
    stepper?: boolean;
  },
) {
  const id = useControlId(props.name);
  const callRemote = useCallRemote();
  const [text, setText] = useLocalValue(
    props.value === undefined ? undefined : String(props.value),
    props.defaultValue === undefined ? '' : String(props.defaultValue),
  );
  const committed = useRef<number | null>(parseNumber(text, props.precision));
  useEffect(() => {
    if (props.value !== undefined) committed.current = props.value;
  }, [props.value]);
  const commit = (next: string) => {
    const parsed = parseNumber(next, props.precision);
    if (parsed === null || parsed === committed.current) return;
    committed.current = parsed;
    if (String(parsed) !== next) setText(String(parsed));
    callRemote(props.onChange, parsed);
  };
  const step = (direction: 1 | -1) => {
    const current = parseNumber(text, props.precision) ?? 0;
    let next = current + direction * (props.stepSize ?? 1);
    if (props.min !== undefined) next = Math.max(props.min, next);
    if (props.max !== undefined) next = Math.min(props.max, next);
    setText(String(next));
    commit(String(next));
  };
  const current = parseNumber(text, props.precision);
  return (
    <Field {...fieldProps(props.component, props, id)}>
      <div className="pv-input-wrap">
        {props.stepper && (
          <button
            type="button"
            className="pv-stepper"
            aria-label="Decrease"
            disabled={props.readOnly || (props.min !== undefined && current !== null && current <= props.min)}
            onClick={() => step(-1)}
          >
            −
          </button>
        )}
        {props.prefix !== undefined && <span className="pv-input-wrap__prefix">{props.prefix}</span>}
        <input
          id={id}
          name={props.name}
          type="number"
          inputMode="decimal"
          className="pv-input"
          value={text}
          min={props.min}
          max={props.max}
          step={props.precision === undefined ? 'any' : 1 / 10 ** props.precision}
          placeholder={props.placeholder}
          readOnly={props.readOnly}
          required={props.required}
          aria-invalid={props.error || undefined}
          onChange={(event) => {
            setText(event.target.value);
            const parsed = parseNumber(event.target.value, props.precision);
            if (parsed !== null) callRemote(props.onInput, parsed);
          }}
          onFocus={() => current !== null && callRemote(props.onFocus, current)}
          onBlur={() => {
            commit(text);
            if (current !== null) callRemote(props.onBlur, current);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit(text);
          }}
        />
        {props.suffix !== undefined && <span className="pv-input-wrap__suffix">{props.suffix}</span>}
        {props.stepper && (
          <button
            type="button"
            className="pv-stepper"
            aria-label="Increase"
            disabled={props.readOnly || (props.max !== undefined && current !== null && current >= props.max)}
            onClick={() => step(1)}
          >
            +
          </button>
        )}
      </div>
    </Field>
  );
}

export function NumberInput(
  props: NumberProps & { formatStyle?: 'decimal' | 'percentage'; textAlign?: string },
) {
  return (
    <NumberField
      {...props}
      component="NumberInput"
      {...(props.formatStyle === 'percentage' ? { suffix: '%' } : {})}
    />
  );
}

function currencySymbol(currency: string): string {
  try {
    const parts = new Intl.NumberFormat('en-US', { style: 'currency', currency }).formatToParts(0);
    return parts.find((part) => part.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

export function CurrencyInput(props: NumberProps & { currency?: string }) {
  return (
    <NumberField {...props} component="CurrencyInput" prefix={currencySymbol(props.currency ?? 'USD')} />
  );
}

export function StepperInput(props: NumberProps & { stepSize?: number }) {
  return <NumberField {...props} component="StepperInput" stepper />;
}

interface BaseDate {
  year: number;
  month: number;
  date: number;
}

const pad = (value: number) => String(value).padStart(2, '0');

function isoOf(date: BaseDate | null | undefined): string {
  return date ? `${date.year}-${pad(date.month + 1)}-${pad(date.date)}` : '';
}

function formatDate(date: BaseDate, format: string | undefined): string {
  const asDate = new Date(date.year, date.month, date.date);
  switch (format) {
    case 'YYYY-MM-DD':
      return isoOf(date);
    case 'LL':
    case 'long':
      return asDate.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric' });
    case 'll':
    case 'medium':
      return asDate.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
    default:
      return `${pad(date.month + 1)}/${pad(date.date)}/${date.year}`;
  }
}

export function DateInput(
  props: FieldCommon & {
    value?: BaseDate | null;
    defaultValue?: BaseDate;
    min?: BaseDate;
    max?: BaseDate;
    format?: string;
    clearButtonLabel?: string;
    todayButtonLabel?: string;
    onChange?: (value: (BaseDate & { formattedDate?: string }) | null) => void;
    onBlur?: (value: unknown) => void;
    onFocus?: (value: unknown) => void;
  },
) {
  const id = useControlId(props.name);
  const callRemote = useCallRemote();
  const [iso, setIso] = useLocalValue(
    props.value === undefined ? undefined : isoOf(props.value),
    isoOf(props.defaultValue),
  );
  const change = (next: string) => {
    setIso(next);
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(next);
    if (!match) return callRemote(props.onChange, null);
    const date = { year: Number(match[1]), month: Number(match[2]) - 1, date: Number(match[3]) };
    callRemote(props.onChange, { ...date, formattedDate: formatDate(date, props.format) });
  };
  const today = new Date();
  return (
    <Field {...fieldProps('DateInput', props, id)}>
      <div className="pv-input-wrap">
        <input
          id={id}
          name={props.name}
          type="date"
          className="pv-input"
          value={iso}
          min={props.min ? isoOf(props.min) : undefined}
          max={props.max ? isoOf(props.max) : undefined}
          readOnly={props.readOnly}
          required={props.required}
          aria-invalid={props.error || undefined}
          onChange={(event) => change(event.target.value)}
        />
        {!props.readOnly && (
          <>
            <button
              type="button"
              className="pv-link-button"
              onClick={() =>
                change(isoOf({ year: today.getFullYear(), month: today.getMonth(), date: today.getDate() }))
              }
            >
              {props.todayButtonLabel ?? 'Today'}
            </button>
            <button type="button" className="pv-link-button" onClick={() => change('')}>
              {props.clearButtonLabel ?? 'Clear'}
            </button>
          </>
        )}
      </div>
    </Field>
  );
}

export function TimeInput(
  props: FieldCommon & {
    value?: { hours: number; minutes: number } | null;
    defaultValue?: { hours: number; minutes: number };
    interval?: number;
    onChange?: (value: { hours: number; minutes: number }) => void;
  },
) {
  const id = useControlId(props.name);
  const callRemote = useCallRemote();
  const asText = (time: { hours: number; minutes: number } | null | undefined) =>
    time ? `${pad(time.hours)}:${pad(time.minutes)}` : '';
  const [text, setText] = useLocalValue(
    props.value === undefined ? undefined : asText(props.value),
    asText(props.defaultValue),
  );
  return (
    <Field {...fieldProps('TimeInput', props, id)}>
      <input
        id={id}
        name={props.name}
        type="time"
        className="pv-input"
        value={text}
        step={(props.interval ?? 30) * 60}
        readOnly={props.readOnly}
        required={props.required}
        aria-invalid={props.error || undefined}
        onChange={(event) => {
          setText(event.target.value);
          const [hours, minutes] = event.target.value.split(':').map(Number);
          if (
            hours !== undefined &&
            minutes !== undefined &&
            !Number.isNaN(hours) &&
            !Number.isNaN(minutes)
          ) {
            callRemote(props.onChange, { hours, minutes });
          }
        }}
      />
    </Field>
  );
}

/** The values a submitted form carries, keyed by field name; number fields as numbers. */
function formValues(form: HTMLFormElement): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const element of Array.from(form.elements)) {
    if (!(
      element instanceof HTMLInputElement ||
      element instanceof HTMLTextAreaElement ||
      element instanceof HTMLSelectElement
    ))
      continue;
    if (!element.name) continue;
    if (
      element instanceof HTMLInputElement &&
      (element.type === 'checkbox' || element.type === 'radio') &&
      !element.checked
    )
      continue;
    values[element.name] =
      element instanceof HTMLInputElement && element.type === 'number' && element.value !== ''
        ? Number(element.value)
        : element.value;
  }
  return values;
}

export function Form(
  props: BaseProps & {
    onSubmit?: (event: unknown, reactions: unknown) => void;
    preventDefault?: boolean;
    autoComplete?: 'on' | 'off';
  },
) {
  const callRemote = useCallRemote();
  const overlays = useOverlays();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    // The page never navigates: the extension decides what a submit does.
    event.preventDefault();
    // Commit the field being edited first, as HubSpot does, so its onChange arrives before onSubmit.
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    callRemote(
      props.onSubmit,
      { ...extensionEvent('submit', event.currentTarget), targetValue: formValues(event.currentTarget) },
      overlays.reactions,
    );
  };
  return (
    <form
      {...hs('Form', props)}
      className="pv-form"
      autoComplete={props.autoComplete}
      noValidate
      onSubmit={onSubmit}
    >
      {props.children}
    </form>
  );
}
