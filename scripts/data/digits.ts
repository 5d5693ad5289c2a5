/**
 * Converts scikit-learn's copy of the UCI 8×8 digits (CC BY 4.0) to src/data/digits.bin, the compact file
 * the site and the grader load (layout in src/engine/datasets.ts). Run once: `npx tsx scripts/data/digits.ts [digits.csv.gz]`.
 * The CSV comes from Debian's python3-sklearn (installed, or `apt-get download python3-sklearn && dpkg -x`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeDigits, DIGITS_PIXELS, encodeDigits } from '../../src/engine/datasets';

const source = process.argv[2] ?? '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';
const target = new URL('../../src/data/digits.bin', import.meta.url);

const rows = gunzipSync(readFileSync(source)).toString('utf8').trim().split('\n');
const pixels = new Uint8Array(rows.length * DIGITS_PIXELS);
const labels = new Uint8Array(rows.length);
rows.forEach((line, n) => {
  const values = line.split(',').map(Number);
  if (values.length !== DIGITS_PIXELS + 1 || values.some((v) => !Number.isInteger(v))) {
    throw new Error(`${source}: row ${n + 1} is not 64 integer pixels and a label`);
  }
  pixels.set(values.slice(0, DIGITS_PIXELS), n * DIGITS_PIXELS);
  labels[n] = values[DIGITS_PIXELS];
});
const bytes = encodeDigits(pixels, labels);
decodeDigits(bytes, 'converted digits'); // the same validation the loader applies
writeFileSync(target, bytes);
console.log(`wrote ${rows.length} digits (${bytes.length} bytes) to ${target.pathname}`);
