import type { MenuItemConstructorOptions } from 'electron';
import type { ActionName } from '../../shared/contract/action-names';
import type { MenuSpec, ShellCommand } from './menu-template';

export interface MenuHandlers {
  /** Sends `menuActionRequested` to the window. */
  action(action: ActionName): void;
  command(command: ShellCommand): void;
}

/** Turns menu specs into Electron menu items (for `Menu.buildFromTemplate`) whose clicks go to the handlers. */
export function toMenuItems(specs: readonly MenuSpec[], handlers: MenuHandlers): MenuItemConstructorOptions[] {
  return specs.map((spec): MenuItemConstructorOptions => {
    if ('type' in spec) return { type: 'separator' };
    if ('submenu' in spec) return { label: spec.label, ...(spec.role ? { role: spec.role } : {}), submenu: toMenuItems(spec.submenu, handlers) };
    if ('action' in spec) {
      return {
        label: spec.label,
        ...(spec.accelerator ? { accelerator: spec.accelerator } : {}),
        ...(spec.registerAccelerator === false ? { registerAccelerator: false } : {}),
        click: () => handlers.action(spec.action),
      };
    }
    if ('command' in spec) {
      return { label: spec.label, ...(spec.accelerator ? { accelerator: spec.accelerator } : {}), click: () => handlers.command(spec.command) };
    }
    return { role: spec.role, ...(spec.label ? { label: spec.label } : {}), ...(spec.accelerator ? { accelerator: spec.accelerator } : {}) };
  });
}
