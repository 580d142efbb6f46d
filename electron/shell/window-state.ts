import * as z from 'zod';
import { DEFAULT_WINDOW_SIZE, MIN_VISIBLE_PART, MIN_WINDOW_SIZE } from './limits';

/** The remembered window: its normal (not maximized) bounds and whether it was maximized or full screen. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const rectSchema = z.object({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
});

export const windowStateSchema = z.object({
  bounds: rectSchema,
  maximized: z.boolean(),
  fullScreen: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** A saved state read from disk, or null when there is none or it is damaged (then the defaults apply). */
export function parseWindowState(text: string | null): WindowState | null {
  if (text === null) return null;
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

const clampSize = (size: { width: number; height: number }, area: Rect) => ({
  width: Math.max(Math.min(MIN_WINDOW_SIZE.width, area.width), Math.min(size.width, area.width)),
  height: Math.max(Math.min(MIN_WINDOW_SIZE.height, area.height), Math.min(size.height, area.height)),
});

function centered(size: { width: number; height: number }, area: Rect): Rect {
  const { width, height } = clampSize(size, area);
  return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height };
}

/**
 * Where the window opens: where it was, if that place is still on a screen (a monitor may have been
 * unplugged, or the resolution lowered), its size clamped to that screen; otherwise centred on the
 * primary screen. `workAreas` are the displays' work areas (without task bars and docks).
 */
export function initialWindowState(saved: WindowState | null, workAreas: readonly Rect[], primary: Rect): WindowState {
  if (!saved) return { bounds: centered(DEFAULT_WINDOW_SIZE, primary), maximized: false, fullScreen: false };
  const home = workAreas
    .map((area) => ({ area, seen: overlap(saved.bounds, area) }))
    .filter(({ seen }) => seen.width >= MIN_VISIBLE_PART.width && seen.height >= MIN_VISIBLE_PART.height)
    .sort((a, b) => b.seen.width * b.seen.height - a.seen.width * a.seen.height)[0]?.area;
  if (!home) return { bounds: centered(saved.bounds, primary), maximized: saved.maximized, fullScreen: false };
  const size = clampSize(saved.bounds, home);
  // Keep the title bar on the screen: pull the window inside the area it mostly sits on.
  const x = Math.min(Math.max(saved.bounds.x, home.x), home.x + home.width - size.width);
  const y = Math.min(Math.max(saved.bounds.y, home.y), home.y + home.height - size.height);
  return { bounds: { x, y, ...size }, maximized: saved.maximized, fullScreen: saved.fullScreen };
}
