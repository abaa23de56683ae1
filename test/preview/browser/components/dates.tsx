/** DateInput (`{year, month (0-11), date, formattedDate}`) and TimeInput (`{hours, minutes}`). */
import { Field, fieldProps, useCallRemote, useControlId, useLocalValue, type FieldCommon } from './shared';

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
