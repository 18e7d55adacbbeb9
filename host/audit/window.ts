// Time windows a person means, in the configured time zone (nl.timeZone): chrono-node finds
// the expression and its parts; the rules for what a part of the day or a bare hour spans
// are here, so that every answer can print the window it used.
//   "last night"        yesterday 18:00 to 06:00 today
//   "yesterday evening" 18:00 to midnight; morning 06-12, afternoon 12-18
//   "since 9am"         from the last 9:00 that has passed to now
//   "in the past 2 h"   now - 2 h to now
//   "at 05:57"          05:52 to 06:02 (five minutes either side)
//   "today", "March 11" that day (up to now); "this week" from Monday 00:00
import { chrono } from './chrono.ts';

/** A half-open span [since, until) of unix ms, with the words it came from. */
export interface Window {
  since: number;
  until: number;
  text: string;
  timeZone: string;
}

/** The window found in a question, and where its words are (to take them out before classifying). */
export interface FoundWindow {
  window: Window;
  start: number;
  end: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Half the width of the window around a moment ("at 05:57"). */
export const AROUND_MS = 5 * MINUTE;

const PARTS: Record<string, [number, number]> = { morning: [6, 12], afternoon: [12, 18], evening: [18, 24], night: [18, 30] };

/** The system's time zone: the default of nl.timeZone. */
export const systemTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formatters.set(tz, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall clock in `tz` at instant t. */
export function wallClock(t: number, tz: string): Wall {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(new Date(t))) p[part.type] = part.value;
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour % 24, minute: +p.minute, second: +p.second, weekday: WEEKDAYS.indexOf(p.weekday) };
}

/** Minutes `tz` is ahead of UTC at instant t. */
function offsetMinutes(t: number, tz: string): number {
  const w = wallClock(t, tz);
  return Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000) / MINUTE);
}

/** The instant of a wall-clock time in `tz` (fields may overflow: day 0, hour 30). */
export function zoned(tz: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const first = asUtc - offsetMinutes(asUtc, tz) * MINUTE;
  return asUtc - offsetMinutes(first, tz) * MINUTE;
}

/** Midnight starting the day `offset` days from the day of t, in tz. */
function dayStart(t: number, tz: string, offset = 0, hour = 0): number {
  const w = wallClock(t, tz);
  return zoned(tz, w.year, w.month, w.day + offset, hour);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2025-03-11 18:00" in tz. */
export function formatTime(t: number, tz: string): string {
  const w = wallClock(t, tz);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** "last night (2025-03-11 18:00 to 2025-03-12 06:00 Europe/Berlin)", or the whole log. */
export function describeWindow(w: Window | undefined): string {
  if (!w) return 'in the whole audit log';
  if (w.since === 0) return `${w.text} (up to ${formatTime(w.until, w.timeZone)} ${w.timeZone})`;
  return `${w.text} (${formatTime(w.since, w.timeZone)} to ${formatTime(w.until, w.timeZone)} ${w.timeZone})`;
}

/** The same window as plain data for the response's interpretation. */
export const windowData = (w: Window | undefined) => (w ? { since: w.since, until: w.until, text: w.text, timeZone: w.timeZone, described: describeWindow(w) } : undefined);

type Result = ReturnType<ReturnType<typeof chrono>['parse']>[number];
type Component = Result['start'];

const tagged = (c: Component, tag: string) => [...c.tags()].some((t) => t === `casualReference/${tag}`);

/** The part of day a result names (morning, afternoon, evening, night), if any. */
function partOfDay(r: Result): string | undefined {
  if (/\b(last night|overnight|tonight)\b/i.test(r.text)) return 'night';
  return ['morning', 'afternoon', 'evening'].find((p) => tagged(r.start, p));
}

/** The instant a component names, built in tz from its fields (chrono's own instant assumes a fixed offset). */
function instantOf(c: Component, tz: string): number {
  return zoned(tz, c.get('year')!, c.get('month')!, c.get('day')!, c.get('hour') ?? 0, c.get('minute') ?? 0);
}

/**
 * Finds the time window of a question. The word before a time says what it bounds: "at",
 * "around" make a moment (five minutes either side), "before", "until" an end; "since",
 * "after", "from" or none a start (up to now).
 */
export function findWindow(question: string, now: number, tz: string): FoundWindow | undefined {
  const text = question.replace(/\bover ?night\b/gi, (m) => 'last night'.padEnd(m.length));
  const week = weekWindow(text, now, tz);
  if (week) return week;
  // "now", "right now" bound nothing.
  const results = chrono()
    .parse(text, { instant: new Date(now), timezone: offsetMinutes(now, tz) })
    .filter((r) => !r.start.tags().has('casualReference/now'));
  if (!results.length) return undefined;
  const first = results[0];
  const before = text.slice(0, first.index).toLowerCase();
  const found = (since: number, until: number, start = first.index, end = first.index + first.text.length, words = first.text): FoundWindow => ({
    window: { since, until, text: words.trim(), timeZone: tz },
    start,
    end,
  });
  const leading = /\b(since|after|from|at|around|about|before|until|between)\s*$/i.exec(before);
  const lead = (leading?.[1] ?? /^(at|around|about)\s/i.exec(first.text)?.[1])?.toLowerCase();
  const leadStart = leading ? leading.index : first.index;

  // "between 10am and noon yesterday": two results; a part without a day takes the other's.
  const second = results[1];
  if (second && (lead === 'between' || /^\s*(and|to|-|until)\s*$/i.test(text.slice(first.index + first.text.length, second.index)))) {
    const date = (x: Component, y: Component) => {
      const f = (k: 'year' | 'month' | 'day') => (x.isCertain(k) || !y.isCertain(k) ? x.get(k) : y.get(k))!;
      return zoned(tz, f('year'), f('month'), f('day'), x.get('hour') ?? 0, x.get('minute') ?? 0);
    };
    const end = second.index + second.text.length;
    return found(date(first.start, second.start), date(second.start, first.start), leadStart, end, text.slice(leadStart, end));
  }
  if (first.end) return found(instantOf(first.start, tz), instantOf(first.end, tz));

  // "in the past 2 hours", "last 30 minutes": from then to now; "2 hours ago": around then.
  if (first.tags().has('result/relativeDate')) {
    const at = first.start.date().getTime();
    if (/\bago\b/i.test(first.text)) return found(at - AROUND_MS, at + AROUND_MS, leadStart, undefined, `around ${first.text}`);
    return at < now ? found(at, now) : undefined;
  }

  const part = partOfDay(first);
  if (part) {
    const [from, to] = PARTS[part];
    // A night runs from 18:00 to 06:00: "last night" is the one that began yesterday (still
    // going on when asked before 06:00), "tonight" the one that begins today.
    const day = part === 'night' ? dayStart(now, tz, /tonight/i.test(first.text) ? 0 : -1) : dayStart(instantOf(first.start, tz), tz);
    return found(zonedFrom(day, tz, from), Math.min(now, zonedFrom(day, tz, to)));
  }

  const hasHour = first.start.isCertain('hour') || tagged(first.start, 'noon') || tagged(first.start, 'midnight');
  if (!hasHour) {
    const day = dayStart(instantOf(first.start, tz), tz);
    return found(day, Math.min(now, dayStart(day, tz, 1)));
  }
  let at = instantOf(first.start, tz);
  // A time without a day that has not come yet today means the last one that has passed.
  if (!first.start.isCertain('day') && at > now) at = zonedFrom(dayStart(at, tz, -1), tz, first.start.get('hour')!, first.start.get('minute') ?? 0);
  const words = text.slice(leadStart, first.index + first.text.length);
  if (lead === 'at' || lead === 'around' || lead === 'about') return found(at - AROUND_MS, at + AROUND_MS, leadStart, undefined, words);
  if (lead === 'before' || lead === 'until') return found(0, at, leadStart, undefined, words);
  return found(at, now, leadStart, undefined, lead ? words : `since ${first.text}`);
}

/** The instant `hour:minute` on the day that starts at dayStartMs, in tz. */
function zonedFrom(dayStartMs: number, tz: string, hour: number, minute = 0): number {
  const w = wallClock(dayStartMs, tz);
  return zoned(tz, w.year, w.month, w.day, hour, minute);
}

/** "this week" (chrono reads no window in it): Monday 00:00 to now. */
function weekWindow(text: string, now: number, tz: string): FoundWindow | undefined {
  const m = /\bthis week\b/i.exec(text);
  if (!m) return undefined;
  const sinceMonday = (wallClock(now, tz).weekday + 6) % 7;
  return { window: { since: dayStart(now, tz, -sinceMonday), until: now, text: m[0], timeZone: tz }, start: m.index, end: m.index + m[0].length };
}

