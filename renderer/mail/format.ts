import type { Address } from '../../shared/contract/messages';
import { displayText, NAME_DISPLAY_MAX } from './display-text';

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const thisYearFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const otherYearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** A list date the way mail clients show it: time today, weekday this week, day and month this year. */
export function listDate(iso: string | null, now = new Date()): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  if (sameDay(date, now)) return timeFormat.format(date);
  const age = now.getTime() - date.getTime();
  if (age > 0 && age < 6 * 86_400_000) return weekdayFormat.format(date);
  return date.getFullYear() === now.getFullYear() ? thisYearFormat.format(date) : otherYearFormat.format(date);
}

export function fullDate(iso: string | null): string {
  if (!iso) return 'No date';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? 'No date' : fullFormat.format(date);
}

/** A name as shown: on one line, without bidi controls, capped (display-text.ts); the address when there is none. */
export function displayName(address: Address | null): string {
  if (!address) return '(no sender)';
  return displayText(address.name, NAME_DISPLAY_MAX) || displayText(address.address, NAME_DISPLAY_MAX) || '(no sender)';
}

export function fullAddress(address: Address): string {
  const name = displayText(address.name, NAME_DISPLAY_MAX);
  const shown = displayText(address.address, NAME_DISPLAY_MAX);
  return name ? `${name} <${shown}>` : shown;
}

const units = ['bytes', 'KB', 'MB', 'GB'];

export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} ${value === 1 ? 'byte' : 'bytes'}`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const numberFormat = new Intl.NumberFormat();
export const formatCount = (n: number) => numberFormat.format(n);

/** "1 message", "12,345 messages". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
