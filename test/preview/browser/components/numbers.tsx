/** NumberInput, CurrencyInput and StepperInput: numbers in and out, `onChange` when the value is committed. */
import { useEffect, useRef } from 'react';
import { Field, fieldProps, useCallRemote, useControlId, useLocalValue, type FieldCommon } from './shared';

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
