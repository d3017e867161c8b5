/**
 * Shrinks a Chromium screenshot for the docs: RGB(A) PNG -> 256-colour palette PNG, with node:zlib only
 * (no image dependency). The previews are flat dark panels with thin anti-aliased lines: the 256 most
 * frequent colours cover most pixels and the rest map to the nearest of them, which roughly thirds the
 * file size without visible loss at 1:1.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

interface Image {
  width: number;
  height: number;
  /** Packed RGB, row after row. */
  rgb: Buffer;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes); alpha is dropped. */
function decode(png: Buffer): Image {
  if (!png.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error('not a PNG');
  }
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let pos = 8; pos < png.length;) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colourType, , , interlace] = data.subarray(8, 13);
      channels = colourType === 2 ? 3 : colourType === 6 ? 4 : 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) {
        throw new Error(`unsupported PNG (bit depth ${depth}, colour type ${colourType}, interlace ${interlace})`);
      }
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? row[i - channels] : 0;
      const b = up[i];
      const c = i >= channels ? up[i - channels] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      row[i] = (line[i] + predictor) & 255;
    }
  }
  const rgb = Buffer.alloc(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    pixels.copy(rgb, p * 3, p * channels, p * channels + 3);
  }
  return { width, height, rgb };
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * The PNG as an 8-bit palette PNG: the `keep` colours (#rrggbb: the chart colours, so that a rare one
 * such as an annotation mark keeps its hue), then the most frequent colours, 256 in all.
 */
export function toPalettePng(png: Buffer, keep: string[] = []): Buffer {
  const { width, height, rgb } = decode(png);
  const key = (i: number) => (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
  const counts = new Map<number, number>();
  for (let i = 0; i < rgb.length; i += 3) {
    counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  }
  const kept = [...new Set(keep.map((hex) => parseInt(hex.slice(1, 7), 16)))];
  const frequent = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const palette = [...new Set([...kept, ...frequent])].slice(0, 256).map((k) => [k >> 16, (k >> 8) & 255, k & 255]);
  const index = new Map<number, number>();
  const nearest = (k: number) => {
    let found = index.get(k);
    if (found === undefined) {
      const [r, g, b] = [k >> 16, (k >> 8) & 255, k & 255];
      let best = Infinity;
      palette.forEach(([pr, pg, pb], i) => {
        // Green weighs most, blue least: a cheap perceptual distance.
        const d = 3 * (pr - r) ** 2 + 4 * (pg - g) ** 2 + 2 * (pb - b) ** 2;
        if (d < best) {
          best = d;
          found = i;
        }
      });
      index.set(k, found!);
    }
    return found!;
  };
  // Filter type 0 on every row: palette indices do not predict well from their neighbours.
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      raw[y * (width + 1) + 1 + x] = nearest(key((y * width + x) * 3));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 3;
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
