import { type KeyboardEvent, type PointerEvent, useRef } from 'react';

export interface SplitterProps {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange(value: number): void;
  controls: string;
}

/**
 * A vertical pane divider (WAI-ARIA window splitter): drag it, or focus it and use the arrow keys
 * (Shift for bigger steps), Home and End.
 */
export function Splitter({ label, value, min, max, onChange, controls }: SplitterProps) {
  const start = useRef<{ x: number; value: number } | null>(null);
  const clamp = (v: number) => Math.round(Math.min(max, Math.max(min, v)));
  const down = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    start.current = { x: event.clientX, value };
  };
  const move = (event: PointerEvent<HTMLDivElement>) => {
    if (start.current) onChange(clamp(start.current.value + event.clientX - start.current.x));
  };
  const up = () => {
    start.current = null;
  };
  const key = (event: KeyboardEvent) => {
    const step = event.shiftKey ? 48 : 12;
    if (event.key === 'ArrowLeft') onChange(clamp(value - step));
    else if (event.key === 'ArrowRight') onChange(clamp(value + step));
    else if (event.key === 'Home') onChange(min);
    else if (event.key === 'End') onChange(max);
    else return;
    event.preventDefault();
    event.stopPropagation();
  };
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
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
