/**
 * Choices: Select and MultiSelect (`onChange` gets the option's own value, number or boolean included),
 * Checkbox and RadioButton (`onChange(checked, value)`), ToggleGroup (`onChange(values)` for checkboxes,
 * `onChange(value)` for radio buttons) and Toggle (`onChange(checked)`). A component given `checked` or
 * `value` is controlled by the extension; otherwise it keeps its own state from `initialIsChecked`.
 */
import { useEffect, useRef, useState } from 'react';
import {
  cx,
  Field,
  fieldProps,
  hs,
  sizeName,
  useCallRemote,
  useControlId,
  useLocalValue,
  type BaseProps,
  type FieldCommon,
} from './shared';

type OptionValue = string | number | boolean;
interface Option {
  label: string;
  value: OptionValue;
}

interface SelectCommon extends FieldCommon {
  variant?: 'transparent' | 'input';
  options: Option[];
}

export function Select(
  props: SelectCommon & { value?: OptionValue; onChange?: (value: OptionValue) => void },
) {
  const id = useControlId(props.name);
  const callRemote = useCallRemote();
  const [value, setValue] = useLocalValue<OptionValue | undefined>(props.value, undefined);
  const options = props.options ?? [];
  const index = options.findIndex((option) => option.value === value);
  return (
    <Field {...fieldProps('Select', props, id)}>
      <select
        id={id}
        className={cx('pv-input', 'pv-select', props.variant === 'transparent' && 'pv-select--transparent')}
        value={index >= 0 ? String(index) : ''}
        disabled={props.readOnly}
        required={props.required}
        aria-invalid={props.error || undefined}
        onChange={(event) => {
          const option = options[Number(event.target.value)];
          if (!option) return;
          setValue(option.value);
          callRemote(props.onChange, option.value);
        }}
      >
        {index < 0 && (
          <option value="" disabled>
            {props.placeholder ?? 'Select an option'}
          </option>
        )}
        {options.map((option, position) => (
          <option key={position} value={String(position)}>
            {option.label}
          </option>
        ))}
      </select>
      {props.name && (
        <input type="hidden" name={props.name} value={value === undefined ? '' : String(value)} />
      )}
    </Field>
  );
}

export function MultiSelect(
  props: SelectCommon & { value?: OptionValue[]; onChange?: (value: OptionValue[]) => void },
) {
  const id = useControlId(props.name);
  const callRemote = useCallRemote();
  const [values, setValues] = useLocalValue<OptionValue[]>(props.value, []);
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  const options = props.options ?? [];
  const selected = options.filter((option) => values.includes(option.value));
  const toggle = (option: Option) => {
    const next = values.includes(option.value)
      ? values.filter((value) => value !== option.value)
      : [...values, option.value];
    setValues(next);
    callRemote(props.onChange, next);
  };
  return (
    <Field {...fieldProps('MultiSelect', props, id)}>
      <div className="pv-multiselect" ref={container}>
        <button
          id={id}
          type="button"
          className="pv-input pv-multiselect__button"
          aria-haspopup="listbox"
          aria-expanded={open}
          disabled={props.readOnly}
          onClick={() => setOpen(!open)}
        >
          {selected.length === 0 ? (
            <span className="pv-placeholder">{props.placeholder ?? 'Select options'}</span>
          ) : (
            selected.map((option, position) => (
              <span key={position} className="pv-tag pv-tag--default">
                {option.label}
              </span>
            ))
          )}
          <span className="pv-multiselect__caret" aria-hidden="true">
            ▾
          </span>
        </button>
        <div role="listbox" aria-multiselectable="true" className="pv-multiselect__menu" hidden={!open}>
          {options.map((option, position) => (
            <label
              key={position}
              role="option"
              aria-selected={values.includes(option.value)}
              className="pv-choice"
            >
              <input
                type="checkbox"
                checked={values.includes(option.value)}
                onChange={() => toggle(option)}
              />
              {option.label}
            </label>
          ))}
        </div>
      </div>
      {props.name && <input type="hidden" name={props.name} value={values.map(String).join(',')} />}
    </Field>
  );
}

interface CheckProps extends BaseProps {
  value?: string;
  checked?: boolean;
  initialIsChecked?: boolean;
  readonly?: boolean;
  readOnly?: boolean;
  description?: string;
  name?: string;
  variant?: 'default' | 'small';
  size?: string;
  inline?: boolean;
  onChange?: (checked: boolean, value: string) => void;
  'aria-label'?: string;
}

function Check(props: CheckProps & { type: 'checkbox' | 'radio'; component: string }) {
  const callRemote = useCallRemote();
  const readOnly = props.readOnly ?? props.readonly ?? false;
  const checkedProps =
    props.checked !== undefined
      ? { checked: props.checked }
      : { defaultChecked: props.initialIsChecked ?? false };
  return (
    <div
      {...hs(props.component, props)}
      className={cx(
        'pv-check',
        props.inline && 'pv-check--inline',
        props.variant === 'small' && 'pv-check--small',
      )}
    >
      <label className="pv-choice">
        <input
          type={props.type}
          name={props.name}
          value={props.value ?? 'on'}
          disabled={readOnly}
          aria-label={props['aria-label']}
          {...checkedProps}
          onChange={(event) => callRemote(props.onChange, event.target.checked, props.value ?? '')}
        />
        <span>{props.children}</span>
      </label>
      {props.description !== undefined && <div className="pv-field__description">{props.description}</div>}
    </div>
  );
}

export function Checkbox(props: CheckProps) {
  return <Check {...props} type="checkbox" component="Checkbox" />;
}

export function RadioButton(props: CheckProps) {
  return <Check {...props} type="radio" component="RadioButton" />;
}

interface ToggleGroupOption {
  label: string;
  value: string;
  initialIsChecked?: boolean;
  readonly?: boolean;
  readOnly?: boolean;
  description?: string;
}

export function ToggleGroup(
  props: BaseProps & {
    toggleType?: 'checkboxList' | 'radioButtonList';
    name: string;
    label: string;
    validationMessage?: string;
    required?: boolean;
    tooltip?: string;
    error?: boolean;
    options: ToggleGroupOption[];
    inline?: boolean;
    variant?: 'default' | 'small';
    value?: string[] | string;
    onChange?: (value: never) => void;
  },
) {
  const callRemote = useCallRemote();
  const radio = props.toggleType === 'radioButtonList';
  const initial = props.options.filter((option) => option.initialIsChecked).map((option) => option.value);
  const asList = (value: string[] | string | undefined) =>
    value === undefined ? undefined : Array.isArray(value) ? value : value === '' ? [] : [value];
  const [values, setValues] = useLocalValue<string[]>(
    asList(props.value),
    radio ? initial.slice(0, 1) : initial,
  );
  const choose = (value: string, checked: boolean) => {
    const next = radio
      ? [value]
      : checked
        ? [...values, value]
        : values.filter((existing) => existing !== value);
    setValues(next);
    callRemote(props.onChange as ((value: unknown) => void) | undefined, radio ? value : next);
  };
  return (
    <fieldset
      {...hs('ToggleGroup', props)}
      className={cx('pv-field', 'pv-toggle-group', props.error && 'pv-field--error')}
    >
      <legend className="pv-field__label">
        {props.label}
        {props.required && <span className="pv-field__required">*</span>}
        {props.tooltip !== undefined && (
          <span className="pv-field__tooltip" title={props.tooltip}>
            ⓘ
          </span>
        )}
      </legend>
      <div className={cx('pv-toggle-group__options', props.inline && 'pv-toggle-group__options--inline')}>
        {props.options.map((option) => (
          <div key={option.value} className="pv-check">
            <label className="pv-choice">
              <input
                type={radio ? 'radio' : 'checkbox'}
                name={props.name}
                value={option.value}
                checked={values.includes(option.value)}
                disabled={option.readOnly ?? option.readonly ?? false}
                onChange={(event) => choose(option.value, event.target.checked)}
              />
              <span>{option.label}</span>
            </label>
            {option.description !== undefined && (
              <div className="pv-field__description">{option.description}</div>
            )}
          </div>
        ))}
      </div>
      {props.validationMessage !== undefined && (
        <div className={cx('pv-field__message', props.error && 'pv-field__message--error')}>
          {props.validationMessage}
        </div>
      )}
    </fieldset>
  );
}

export function Toggle(
  props: BaseProps & {
    checked?: boolean;
    initialIsChecked?: boolean;
    readonly?: boolean;
    readOnly?: boolean;
    name?: string;
    size?: string;
    label: string;
    labelDisplay?: 'inline' | 'top' | 'hidden';
    textChecked?: string;
    textUnchecked?: string;
    onChange?: (checked: boolean) => void;
  },
) {
  const callRemote = useCallRemote();
  const [own, setOwn] = useState(props.initialIsChecked ?? false);
  const checked = props.checked ?? own;
  const readOnly = props.readOnly ?? props.readonly ?? false;
  const display = props.labelDisplay ?? 'inline';
  const id = useControlId(props.name);
  return (
    <div
      {...hs('Toggle', props)}
      data-checked={checked}
      className={cx(
        'pv-toggle',
        display === 'top' && 'pv-toggle--top',
        `pv-toggle--${sizeName(props.size, 'md')}`,
      )}
    >
      {display !== 'hidden' && (
        <label className="pv-toggle__label" htmlFor={id}>
          {props.label}
        </label>
      )}
      <span className="pv-toggle__control">
        <button
          id={id}
          type="button"
          role="switch"
          aria-checked={checked}
          aria-label={display === 'hidden' ? props.label : undefined}
          className="pv-toggle__switch"
          disabled={readOnly}
          onClick={() => {
            if (props.checked === undefined) setOwn(!checked);
            callRemote(props.onChange, !checked);
          }}
        >
          <span className="pv-toggle__knob" />
        </button>
        <span className="pv-toggle__text">
          {checked ? (props.textChecked ?? 'On') : (props.textUnchecked ?? 'Off')}
        </span>
      </span>
      {props.name && <input type="hidden" name={props.name} value={String(checked)} />}
    </div>
  );
}
