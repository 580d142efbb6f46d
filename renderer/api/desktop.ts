import { createDesktopClient, type DesktopClient } from '../../shared/desktop-client';

/**
 * The Electron shell's own methods (file dialogs, opening an attachment with the system's viewer). Null in
 * a plain browser (tests, `npm run dev:web`), where the UI falls back to browser downloads or hides the action.
 */
export const desktop: DesktopClient | null = window.homing ? createDesktopClient((method, args) => window.homing!.invoke(method, args)) : null;
