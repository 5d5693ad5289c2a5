/**
 * Loads a shipped dataset by name, in Node (read from disk) and in the browser (the file bundled as an asset).
 * The bytes are validated by the engine (src/engine/datasets.ts), which names the file on any problem.
 */
import { DatasetFileError, datasetFromFile, digitsDataset, type Dataset, type DatasetFile, type DatasetName } from '../engine/datasets';

export type { DatasetName };
export const DATASET_NAMES: readonly DatasetName[] = ['digits', 'spirals'];
export const DIGITS_FILE = 'src/data/digits.bin';

const cache = new Map<DatasetName, Promise<Dataset>>();

export function loadDataset(name: DatasetName): Promise<Dataset> {
  let dataset = cache.get(name);
  if (!dataset) {
    dataset = readDatasetFile(name).then((file) => datasetFromFile(name, file));
    cache.set(name, dataset);
    dataset.catch(() => cache.delete(name));
  }
  return dataset;
}

/**
 * The raw bytes of a dataset's shipped file (undefined for spirals, generated in code), unparsed: for a realm
 * that cannot read the file itself (the browser's grader worker), which parses them with datasetFromFile.
 */
export async function readDatasetFile(name: DatasetName): Promise<DatasetFile | undefined> {
  if (name === 'spirals') return undefined;
  return { path: DIGITS_FILE, bytes: await readBytes(new URL('./digits.bin', import.meta.url), DIGITS_FILE) };
}

/** The digits from a file: URL (Node) or an http(s) URL (browser); `label` names the file in errors. */
export async function loadDigits(url: URL, label = DIGITS_FILE): Promise<Dataset> {
  return digitsDataset(await readBytes(url, label), label);
}

async function readBytes(url: URL, label: string): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    // Kept out of the browser bundle: only Node reaches this branch.
    const fsModule = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
    try {
      return new Uint8Array(await fs.readFile(url));
    } catch (error) {
      throw new DatasetFileError(label, `cannot be read (${(error as Error).message})`);
    }
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DatasetFileError(label, `cannot be fetched from ${url.href} (${(error as Error).message})`);
  }
  if (!response.ok) throw new DatasetFileError(label, `cannot be fetched from ${url.href} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}
