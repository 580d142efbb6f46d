// Renders build/icons/homing.svg (and overlay.svg) into every icon file the app and its installers use,
// with Chromium driven by playwright-core. Run after changing an SVG: `node build/icons/render-icons.mjs`
// (HOMING_CHROMIUM to use another Chromium). The outputs are committed; packaging does not render.
//
//   png/NxN.png       Linux icon set (electron-builder `linux.icon`), 16 … 1024
//   icon.ico          Windows app and installer icon, 16 … 256
//   icon.icns         macOS app icon, 16 … 1024
//   runtime/          what the running app loads: window icon, tray icon (+ @2x, .ico), taskbar overlay
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { icns, ico } from './icon-formats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const executablePath = process.env.HOMING_CHROMIUM ?? '/usr/bin/chromium';

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  const render = async (svgFile, size) => {
    const svg = await readFile(join(here, svgFile), 'utf8');
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img width="${size}" height="${size}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></body></html>`,
    );
    await page.waitForFunction(() => globalThis.document.images[0]?.complete);
    return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  };

  const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
  const png = new Map();
  for (const size of sizes) png.set(size, await render('homing.svg', size));

  await mkdir(join(here, 'png'), { recursive: true });
  await mkdir(join(here, 'runtime'), { recursive: true });
  for (const size of sizes) await writeFile(join(here, 'png', `${size}x${size}.png`), png.get(size));
  await writeFile(join(here, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: png.get(size) }))));
  await writeFile(join(here, 'icon.icns'), icns(png));

  await writeFile(join(here, 'runtime', 'icon-512.png'), png.get(512));
  await writeFile(join(here, 'runtime', 'tray.png'), png.get(32));
  await writeFile(join(here, 'runtime', 'tray@2x.png'), png.get(64));
  await writeFile(join(here, 'runtime', 'tray.ico'), ico([16, 24, 32, 48].map((size) => ({ size, png: png.get(size) }))));
  await writeFile(join(here, 'runtime', 'overlay.png'), await render('overlay.svg', 16));
  await writeFile(join(here, 'runtime', 'overlay@2x.png'), await render('overlay.svg', 32));
  console.log('icons written to', here);
} finally {
  await browser.close();
}
