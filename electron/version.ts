import packageJson from '../package.json' with { type: 'json' };

export const APP_NAME = 'Homing';
/** Taken from package.json at build time (the bundler inlines it). */
export const APP_VERSION: string = packageJson.version;
