/**
 * Status and feedback: Alert, StatusTag, Tag, LoadingSpinner, ProgressBar, EmptyState, ErrorState,
 * ScoreCircle, Statistics (with items and trends) and StepIndicator.
 */
import type { ReactNode } from 'react';
import { OverlayAnchor, useOverlayOwner, useOverlays } from './overlays';
import { cx, extensionEvent, hs, sizeName, useCallRemote, type BaseProps } from './shared';

export function Alert(
  props: BaseProps & { title: string; variant?: 'info' | 'warning' | 'success' | 'error' | 'danger' | 'tip' },
) {
  const variant = props.variant === 'danger' ? 'error' : (props.variant ?? 'info');
  return (
    <div
      {...hs('Alert', props)}
      data-variant={variant}
      className={cx('pv-alert', `pv-alert--${variant}`)}
      role={variant === 'error' || variant === 'warning' ? 'alert' : 'status'}
    >
      <div className="pv-alert__title">{props.title}</div>
      {props.children !== undefined && <div className="pv-alert__body">{props.children}</div>}
    </div>
  );
}

export function StatusTag(
  props: BaseProps & {
    variant?: 'danger' | 'warning' | 'info' | 'success' | 'default';
    hollow?: boolean;
    onClick?: () => void;
    showRemoveIcon?: boolean;
    onRemoveClick?: () => void;
  },
) {
  const callRemote = useCallRemote();
  const variant = props.variant ?? 'default';
  const clickable = props.onClick !== undefined;
  return (
    <span
      {...hs('StatusTag', props)}
      data-variant={variant}
      className={cx(
        'pv-status-tag',
        `pv-status-tag--${variant}`,
        props.hollow && 'pv-status-tag--hollow',
        clickable && 'pv-clickable',
      )}
      role={clickable ? 'button' : undefined}
      tabIndex={clickable ? 0 : undefined}
      onClick={() => callRemote(props.onClick)}
      onKeyDown={(event) => {
        if (clickable && (event.key === 'Enter' || event.key === ' ')) callRemote(props.onClick);
      }}
    >
      <span className="pv-status-tag__dot" aria-hidden="true" />
      {props.children}
      {props.showRemoveIcon && (
        <button
          type="button"
          className="pv-status-tag__remove"
          aria-label="Remove"
          onClick={(event) => {
            event.stopPropagation();
            callRemote(props.onRemoveClick);
          }}
        >
          ×
        </button>
      )}
    </span>
  );
}

export function Tag(
  props: BaseProps & {
    variant?: 'default' | 'warning' | 'success' | 'error' | 'info';
    onClick?: (...args: never[]) => void;
    inline?: boolean;
    overlay?: ReactNode;
  },
) {
  const callRemote = useCallRemote();
  const overlays = useOverlays();
  const { openOwned, rendered } = useOverlayOwner(props.overlay);
  const clickable = props.onClick !== undefined || props.overlay !== undefined;
  const variant = props.variant ?? 'default';
  return (
    <OverlayAnchor overlay={rendered}>
      <span
        {...hs('Tag', props)}
        data-variant={variant}
        className={cx('pv-tag', `pv-tag--${variant}`, clickable && 'pv-clickable')}
        role={clickable ? 'button' : undefined}
        tabIndex={clickable ? 0 : undefined}
        onClick={(event) => {
          openOwned();
          callRemote(
            props.onClick as ((...args: unknown[]) => void) | undefined,
            extensionEvent('click', event.currentTarget),
            overlays.reactions,
          );
        }}
      >
        {props.children}
      </span>
    </OverlayAnchor>
  );
}

export function LoadingSpinner(
  props: BaseProps & { label: string; showLabel?: boolean; size?: string; layout?: 'inline' | 'centered' },
) {
  return (
    <div
      {...hs('LoadingSpinner', props)}
      role="status"
      aria-label={props.label}
      className={cx('pv-loading', props.layout === 'centered' && 'pv-loading--centered')}
    >
      <span className={cx('pv-spinner', `pv-spinner--${sizeName(props.size, 'sm')}`)} aria-hidden="true" />
      <span className={props.showLabel ? 'pv-loading__label' : 'pv-visually-hidden'}>{props.label}</span>
    </div>
  );
}

export function ProgressBar(
  props: BaseProps & {
    title?: string;
    'aria-label'?: string;
    showPercentage?: boolean;
    value?: number;
    maxValue?: number;
    valueMax?: number;
    valueDescription?: string;
    variant?: 'success' | 'danger' | 'warning';
  },
) {
  const max = props.maxValue ?? props.valueMax ?? 100;
  const value = Math.min(Math.max(props.value ?? 0, 0), max);
  const percent = max > 0 ? Math.round((value / max) * 100) : 0;
  return (
    <div {...hs('ProgressBar', props)} className="pv-progress">
      {(props.title !== undefined || props.showPercentage) && (
        <div className="pv-progress__header">
          <span className="pv-progress__title">{props.title}</span>
          {props.showPercentage && <span>{percent}%</span>}
        </div>
      )}
      <div
        className={cx('pv-progress__track', `pv-progress__track--${props.variant ?? 'success'}`)}
        role="progressbar"
        aria-label={props['aria-label'] ?? props.title}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
      >
        <div className="pv-progress__fill" style={{ width: `${percent}%` }} />
      </div>
      {props.valueDescription !== undefined && (
        <div className="pv-progress__description">{props.valueDescription}</div>
      )}
    </div>
  );
}

function StateBlock(props: {
  component: string;
  testId: string | undefined;
  title: string | undefined;
  art: string;
  layout?: 'horizontal' | 'vertical';
  reverseOrder?: boolean;
  flush?: boolean;
  tone: 'empty' | 'error';
  children: ReactNode;
}) {
  return (
    <div
      {...hs(props.component, props)}
      className={cx(
        'pv-state',
        `pv-state--${props.tone}`,
        props.layout === 'vertical' && 'pv-state--vertical',
        props.reverseOrder && 'pv-state--reverse',
        props.flush && 'pv-flush',
      )}
    >
      <div className="pv-state__art" aria-hidden="true">
        {props.art}
      </div>
      <div className="pv-state__content">
        {props.title !== undefined && <h3 className="pv-state__title">{props.title}</h3>}
        {props.children}
      </div>
    </div>
  );
}

export function EmptyState(
  props: BaseProps & {
    title?: string;
    layout?: 'horizontal' | 'vertical';
    reverseOrder?: boolean;
    flush?: boolean;
    imageName?: string;
  },
) {
  return (
    <StateBlock
      component="EmptyState"
      testId={props.testId}
      title={props.title ?? 'All is not lost.'}
      art="∅"
      tone="empty"
      {...(props.layout ? { layout: props.layout } : {})}
      {...(props.reverseOrder ? { reverseOrder: true } : {})}
      {...(props.flush ? { flush: true } : {})}
    >
      {props.children}
    </StateBlock>
  );
}

export function ErrorState(props: BaseProps & { title?: string; type?: 'error' | 'support' | 'lock' }) {
  const art = props.type === 'lock' ? '🔒' : props.type === 'support' ? '?' : '!';
  return (
    <StateBlock
      component="ErrorState"
      testId={props.testId}
      title={props.title ?? 'All of our components are having trouble loading.'}
      art={art}
      tone="error"
    >
      {props.children}
    </StateBlock>
  );
}

export function ScoreCircle(props: BaseProps & { score: number }) {
  const tone = props.score >= 70 ? 'success' : props.score >= 40 ? 'warning' : 'danger';
  return (
    <span {...hs('ScoreCircle', props)} className={cx('pv-score', `pv-score--${tone}`)}>
      {props.score}
    </span>
  );
}

export function Statistics(props: BaseProps) {
  return (
    <div {...hs('Statistics', props)} className="pv-statistics">
      {props.children}
    </div>
  );
}

export function StatisticsItem(props: BaseProps & { id?: string; label: string; number: string | number }) {
  return (
    <div {...hs('StatisticsItem', props)} className="pv-statistics__item">
      <div className="pv-statistics__label">{props.label}</div>
      <div className="pv-statistics__number">{props.number}</div>
      {props.children}
    </div>
  );
}

export function StatisticsTrend(
  props: BaseProps & { value: string; direction: 'increase' | 'decrease'; color?: 'red' | 'green' },
) {
  const color = props.color ?? (props.direction === 'increase' ? 'green' : 'red');
  return (
    <span {...hs('StatisticsTrend', props)} className={cx('pv-trend', `pv-trend--${color}`)}>
      {props.direction === 'increase' ? '▲' : '▼'} {props.value}
    </span>
  );
}

export function StepIndicator(
  props: BaseProps & {
    stepNames: string[];
    direction?: 'horizontal' | 'vertical';
    currentStep?: number;
    variant?: 'default' | 'compact' | 'flush';
    onClick?: (stepIndex: number) => void;
  },
) {
  const callRemote = useCallRemote();
  const current = props.currentStep ?? 0;
  return (
    <ol
      {...hs('StepIndicator', props)}
      className={cx('pv-steps', props.direction === 'vertical' && 'pv-steps--vertical')}
    >
      {props.stepNames.map((name, index) => (
        <li
          key={index}
          className={cx(
            'pv-steps__step',
            index < current && 'pv-steps__step--done',
            index === current && 'pv-steps__step--current',
          )}
          aria-current={index === current ? 'step' : undefined}
        >
          <button
            type="button"
            className="pv-steps__button"
            disabled={props.onClick === undefined}
            onClick={() => callRemote(props.onClick, index)}
          >
            <span className="pv-steps__circle">{index < current ? '✓' : index + 1}</span>
            {props.variant !== 'compact' && <span className="pv-steps__name">{name}</span>}
          </button>
        </li>
      ))}
    </ol>
  );
}
