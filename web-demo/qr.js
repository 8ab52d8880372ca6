// A QR code as an SVG image, for spokesperson share posters: the matrix from
// the npm package `qrcode` (qrcode.js, bundled from it by vendor-qrcode.mjs),
// drawn as one path, so that a page's <img> and a mini-program's <image>
// both show it without a canvas.
import { create } from './qrcode.js';

// UTF-8 bytes without TextEncoder, which some mini-program runtimes lack
// (the encoder reaches for it when handed text).
function utf8(text) {
  const escaped = encodeURIComponent(text);
  const bytes = [];
  for (let i = 0; i < escaped.length; i += 1) {
    if (escaped[i] === '%') {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(escaped.charCodeAt(i));
    }
  }
  return bytes;
}

/** The SVG text of `text`'s QR code, a quiet zone of `margin` modules around it. */
export function qrSvg(text, { margin = 2, dark = '#2b1d12', light = '#ffffff' } = {}) {
  const { modules } = create([{ data: utf8(text), mode: 'byte' }], { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const full = size + 2 * margin;
  let path = '';
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      if (modules.get(row, col)) path += `M${col + margin} ${row + margin}h1v1h-1z`;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges">`
    + `<rect width="${full}" height="${full}" fill="${light}"/><path d="${path}" fill="${dark}"/></svg>`;
}

/** The image as a data: URI, for an <img src> or <image src>. */
export function svgDataUri(svg) {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
