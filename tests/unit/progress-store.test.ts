/**
 * The learner's saved work and progress (src/progress/store.ts) over an in-memory Storage:
 * versioned records, old and damaged data kept rather than lost, export → import round trip,
 * and clear messages for files that are not progress files.
 */
import { describe, expect, it } from 'vitest';
import { createProgressStore, STORAGE_SCHEMA_VERSION, type KeyValueStorage } from '../../src/progress/store';
import { parseProgressFile, ProgressImportError } from '../../src/progress/progress-file';

class MemoryStorage implements KeyValueStorage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.map.has(k) ? this.map.get(k)! : null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, String(v));
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  keys() {
    return [...this.map.keys()];
  }
}

let clock = Date.parse('2026-11-22T10:00:00Z');
const tick = () => new Date((clock += 1000));

describe('saved code', () => {
  it('round-trips with a schema version and time', () => {
    const storage = new MemoryStorage();
    const store = createProgressStore(storage, tick);
    store.saveCode('he-relu-50', 'export default 1;');
    const raw = JSON.parse(storage.getItem('initlab:code:he-relu-50')!);
    expect(raw.v).toBe(STORAGE_SCHEMA_VERSION);
    expect(raw.code).toBe('export default 1;');
    expect(store.loadCode('he-relu-50')?.code).toBe('export default 1;');
    expect(store.loadCode('other')).toBeNull();
  });

  it('reads code saved before schema versions (plain text, a JSON string, an unversioned object)', () => {
    const storage = new MemoryStorage();
    const store = createProgressStore(storage, tick);
    storage.setItem('initlab:code:a', 'const x = 1; // not JSON');
    storage.setItem('initlab:code:b', JSON.stringify('const y = 2;'));
    storage.setItem('initlab:code:c', JSON.stringify({ code: 'const z = 3;' }));
    expect(store.loadCode('a')?.code).toBe('const x = 1; // not JSON');
    expect(store.loadCode('b')?.code).toBe('const y = 2;');
    expect(store.loadCode('c')?.code).toBe('const z = 3;');
  });

  it('keeps a copy of unreadable data in a backup key instead of dropping it', () => {
    const storage = new MemoryStorage();
    const store = createProgressStore(storage, tick);
    storage.setItem('initlab:code:a', JSON.stringify({ v: 1, nothing: 'here' }));
    expect(store.loadCode('a')).toBeNull();
    const backups = storage.keys().filter((k) => k.startsWith('initlab:backup:initlab:code:a'));
    expect(backups).toHaveLength(1);
    expect(storage.getItem(backups[0])).toContain('nothing');
  });

  it('clearCode (reset) backs the code up first', () => {
    const storage = new MemoryStorage();
    const store = createProgressStore(storage, tick);
    store.saveCode('a', 'my precious code');
    store.clearCode('a');
    expect(store.loadCode('a')).toBeNull();
    const backup = storage.keys().find((k) => k.startsWith('initlab:backup:initlab:code:a'))!;
    expect(storage.getItem(backup)).toContain('my precious code');
  });
});

describe('progress', () => {
  it('records attempts; passed stays passed after a later failing run', () => {
    const store = createProgressStore(new MemoryStorage(), tick);
    expect(store.recordRun('a', false, 'layer 3 vanishing').status).toBe('attempted');
    const passed = store.recordRun('a', true, 'Passed.');
    expect(passed).toMatchObject({ status: 'passed', attempts: 2 });
    const after = store.recordRun('a', false, 'layer 1 exploding');
    expect(after).toMatchObject({ status: 'passed', attempts: 3, passedAt: passed.passedAt, lastMessage: 'layer 1 exploding' });
  });

  it('a corrupt progress record is backed up and progress starts empty; saved code is untouched', () => {
    const storage = new MemoryStorage();
    const store = createProgressStore(storage, tick);
    store.saveCode('a', 'code survives');
    storage.setItem('initlab:progress', '{"v":1,"exercises":');
    expect(store.allProgress()).toEqual({});
    expect(storage.keys().some((k) => k.startsWith('initlab:backup:initlab:progress'))).toBe(true);
    expect(store.loadCode('a')?.code).toBe('code survives');
  });

  it('drops only the damaged entries of a progress record', () => {
    const storage = new MemoryStorage();
    const store = createProgressStore(storage, tick);
    storage.setItem(
      'initlab:progress',
      JSON.stringify({ v: 1, exercises: { good: { status: 'passed', attempts: 2 }, bad: { status: 'maybe', attempts: -1 } } }),
    );
    expect(Object.keys(store.allProgress())).toEqual(['good']);
  });

  it('notifies subscribers on a run', () => {
    const store = createProgressStore(new MemoryStorage(), tick);
    let calls = 0;
    const stop = store.subscribe(() => calls++);
    store.recordRun('a', true, 'ok');
    stop();
    store.recordRun('a', true, 'ok');
    expect(calls).toBe(1);
  });
});

describe('export and import', () => {
  it('restores progress and code into an empty browser', () => {
    const first = createProgressStore(new MemoryStorage(), tick);
    first.saveCode('he-relu-50', 'solution code');
    first.recordRun('he-relu-50', true, 'Passed.');
    first.recordRun('lecun-tanh', false, 'layer 2 saturated');
    const file = parseProgressFile(JSON.stringify(first.exportProgress()));

    const second = createProgressStore(new MemoryStorage(), tick);
    const summary = second.importProgress(file);
    expect(summary).toEqual({ exercises: 2, codeRestored: 1, codeKept: 0, questions: 0 });
    expect(second.getProgress('he-relu-50')).toMatchObject({ status: 'passed', attempts: 1 });
    expect(second.getProgress('lecun-tanh')).toMatchObject({ status: 'attempted', attempts: 1 });
    expect(second.loadCode('he-relu-50')?.code).toBe('solution code');
  });

  it('keeps newer code already in the browser and backs up the file copy', () => {
    const storage = new MemoryStorage();
    const old = createProgressStore(new MemoryStorage(), tick);
    old.saveCode('a', 'old code');
    const file = parseProgressFile(JSON.stringify(old.exportProgress()));
    const store = createProgressStore(storage, tick);
    store.saveCode('a', 'newer code');
    expect(store.importProgress(file)).toMatchObject({ codeRestored: 0, codeKept: 1 });
    expect(store.loadCode('a')?.code).toBe('newer code');
    const backup = storage.keys().find((k) => k.startsWith('initlab:backup:initlab:code:a'))!;
    expect(storage.getItem(backup)).toContain('old code');
  });

  it('merging never downgrades passed to attempted', () => {
    const a = createProgressStore(new MemoryStorage(), tick);
    a.recordRun('x', false, 'nope');
    const file = parseProgressFile(JSON.stringify(a.exportProgress()));
    const b = createProgressStore(new MemoryStorage(), tick);
    b.recordRun('x', true, 'yes');
    b.importProgress(file);
    expect(b.getProgress('x')?.status).toBe('passed');
  });

  it.each([
    ['not JSON', 'hello', /not JSON/],
    ['some other JSON', '{"name":"package"}', /not an initlab progress file: format/],
    ['a damaged progress file', JSON.stringify({ format: 'initlab-progress', version: 1, exportedAt: '2026-11-22T10:00:00Z', exercises: { a: { status: 'won', attempts: 1 } } }), /damaged: exercises\.a\.status/],
    ['a bad exercise id', JSON.stringify({ format: 'initlab-progress', version: 1, exportedAt: '2026-11-22T10:00:00Z', exercises: { 'Bad Id': { status: 'passed', attempts: 1 } } }), /exercises/],
  ])('rejects %s with a clear message and changes nothing', (_what, text, message) => {
    const storage = new MemoryStorage();
    const store = createProgressStore(storage, tick);
    store.recordRun('kept', true, 'ok');
    const before = storage.getItem('initlab:progress');
    expect(() => store.importProgress(parseProgressFile(text))).toThrow(ProgressImportError);
    expect(() => parseProgressFile(text)).toThrow(message);
    expect(() => parseProgressFile(text)).toThrow(/Nothing was imported/);
    expect(storage.getItem('initlab:progress')).toBe(before);
  });
});
