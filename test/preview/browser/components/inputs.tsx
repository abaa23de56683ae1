/**
 * Text inputs and Form. As in HubSpot, `onInput` gets every edit and `onChange` the committed value: on
 * blur, on Enter, and before the form's `onSubmit` (numbers.tsx and dates.tsx hold the other inputs).
 */
import { useEffect, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { useOverlays } from './overlays';
import {
  extensionEvent,
  Field,
  fieldProps,
  hs,
  useCallRemote,
  useControlId,
  useLocalValue,
  type BaseProps,
  type FieldCommon,
} from './shared';

interface TextInputProps extends FieldCommon {
  value?: string;
  defaultValue?: string;
  onChange?: (value: string) => void;
  onInput?: (value: string) => void;
  onBlur?: (value: string) => void;
  onFocus?: (value: string) => void;
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
