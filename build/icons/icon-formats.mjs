// Writers for the two container formats electron-builder wants besides PNG. Both may hold PNG data
// as-is, which every supported OS reads (Windows Vista+ for ICO, macOS 10.7+ for these ICNS types).

/**
 * ICO (Windows): a 6-byte header, one 16-byte directory entry per image, then the images.
 * Width/height 0 in an entry means 256. https://learn.microsoft.com/en-us/previous-versions/ms997538(v=msdn.10)
 * @param {Array<{ size: number, png: Buffer }>} images
 */
export function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** ICNS element types that hold PNG data, by pixel size (the @2x types share a size with a 1x one). */
export const icnsTypes = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024], // 512@2x
  ['ic11', 32], // 16@2x
  ['ic12', 64], // 32@2x
  ['ic13', 256], // 128@2x
  ['ic14', 512], // 256@2x
];

/**
 * ICNS (macOS): the magic `icns` and the total length, then elements of type (4 bytes), length (4 bytes,
 * including these 8) and data. Big-endian throughout.
 * @param {Map<number, Buffer>} pngBySize
 */
export function icns(pngBySize) {
  const elements = icnsTypes.map(([type, size]) => {
    const png = pngBySize.get(size);
    if (!png) throw new Error(`icns: no ${size}px image`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + elements.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...elements]);
}
