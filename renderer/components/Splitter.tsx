import { type KeyboardEvent, type PointerEvent, useRef } from 'react';

export interface SplitterProps {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange(value: number): void;
  controls: string;
  /** 'vertical' (default): a line between columns, moved left and right; 'horizontal': between rows, up and down. */
  orientation?: 'vertical' | 'horizontal';
}

/**
 * A pane divider (WAI-ARIA window splitter): drag it, or focus it and use the arrow keys (Shift for
 * bigger steps), Home and End. `value` is the size of the pane before it (left, or above).
 */
export function Splitter({ label, value, min, max, onChange, controls, orientation = 'vertical' }: SplitterProps) {
  const start = useRef<{ x: number; value: number } | null>(null);
  const horizontal = orientation === 'horizontal';
  const at = (event: PointerEvent<HTMLDivElement>) => (horizontal ? event.clientY : event.clientX);
  const clamp = (v: number) => Math.round(Math.min(max, Math.max(min, v)));
  const down = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    start.current = { x: at(event), value };
  };
  const move = (event: PointerEvent<HTMLDivElement>) => {
    if (start.current) onChange(clamp(start.current.value + at(event) - start.current.x));
  };
  const up = () => {
    start.current = null;
  };
  const key = (event: KeyboardEvent) => {
    const step = event.shiftKey ? 48 : 12;
    if (event.key === (horizontal ? 'ArrowUp' : 'ArrowLeft')) onChange(clamp(value - step));
    else if (event.key === (horizontal ? 'ArrowDown' : 'ArrowRight')) onChange(clamp(value + step));
    else if (event.key === 'Home') onChange(min);
    else if (event.key === 'End') onChange(max);
    else return;
    event.preventDefault();
    event.stopPropagation();
  };
  return (
    <div
      className={`splitter ${orientation}`}
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-controls={controls}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={up}
      onKeyDown={key}
    />
  );
}
