/**
 * The learner's worker thread (Node): evaluates the realm program (realm-entry.ts, with its own TF.js) in an
 * empty `vm` context, then forwards the messages of `learnerMessages` to the grader. The learner's code
 * runs only inside that context: it gets no `process`, no `require`, no dynamic `import()`, no host object
 * or function (any of them would lead back to the host's `Function`, hence to `process`), and no port.
 * This file is bundled (learner-realm-code.ts) and started with `eval`, so it loads nothing at run time.
 */
import { types } from 'node:util';
import vm from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromLearner, LearnerJob } from '../engine/realm-protocol';

export interface LearnerWorkerData {
  realmCode: string;
  job: LearnerJob;
}

// Host intrinsics captured before anything else runs; they read a typed array's internal slots, so no
// getter, prototype or species of the learner's realm is consulted.
const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Float32Array.prototype), 'length')!.get!;
const describeOwn = Object.getOwnPropertyDescriptor;

function post(message: FromLearner): void {
  if (message.type === 'weights') parentPort!.postMessage(message, [message.values.buffer as ArrayBuffer]);
  else parentPort!.postMessage(message);
}

/** An own data property of an object from the context, or undefined (never runs the context's code). */
function own(object: unknown, key: string): unknown {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  const descriptor = describeOwn(object, key);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

/** A message the realm yielded, rebuilt from primitives and a copy of its weights. */
function hostMessage(value: unknown): FromLearner | null {
  const type = own(value, 'type');
  const network = own(value, 'network');
  const layer = own(value, 'layer');
  switch (type) {
    case 'learner-ready':
    case 'learner-done':
      return { type };
    case 'layer-start':
      return typeof network === 'number' && typeof layer === 'number' ? { type, network, layer } : null;
    case 'weights': {
      const values = own(value, 'values');
      if (typeof network !== 'number' || typeof layer !== 'number' || !types.isFloat32Array(values)) return null;
      const copy = new Float32Array(typedArrayLength.call(values) as number);
      copy.set(values as Float32Array);
      return { type, network, layer, values: copy };
    }
    case 'learner-error': {
      const kind = own(value, 'kind');
      const message = own(value, 'message');
      if (typeof kind !== 'string' || typeof message !== 'string') return null;
      return { type, kind, message, layer: typeof layer === 'number' ? layer : undefined } as FromLearner;
    }
    default:
      return null;
  }
}

function describeThrown(error: unknown): string {
  try {
    const name = own(error, 'name') ?? own(Object.getPrototypeOf(error ?? {}), 'name');
    const message = own(error, 'message');
    return typeof message === 'string' ? `${typeof name === 'string' ? name : 'Error'}: ${message}` : 'a value that is not an Error';
  } catch {
    return 'a value that cannot be described';
  }
}

function run({ realmCode, job }: LearnerWorkerData): void {
  // A null-prototype sandbox: the context's global object must not inherit from the host's Object.prototype
  // (its `constructor` is the host's Object, whose constructor is the host's Function).
  // WebAssembly may compile in the context because the engine's random.orthogonal kernel is WebAssembly; the
  // realm program keeps its own reference and removes the `WebAssembly` global before any learner code runs.
  const context = vm.createContext(Object.create(null), { name: 'learner realm', codeGeneration: { strings: true, wasm: true } });
  new vm.Script(realmCode, { filename: 'learner-realm.js' }).runInContext(context);
  const start = own(context, 'initlabLearnerMessages') as (jobJson: string) => object;
  delete (context as Record<string, unknown>).initlabLearnerMessages;
  const iterator = start(JSON.stringify(job));
  const next = own(Object.getPrototypeOf(Object.getPrototypeOf(iterator)), 'next') as () => unknown;
  for (;;) {
    let step: unknown;
    try {
      step = Reflect.apply(next, iterator, []);
    } catch (error) {
      post({ type: 'learner-error', kind: 'threw', message: `your code broke the learner's realm: ${describeThrown(error)}` });
      return;
    }
    if (own(step, 'done') === true) return;
    const message = hostMessage(own(step, 'value'));
    if (!message) {
      post({ type: 'learner-error', kind: 'threw', message: "your code broke the learner's realm: it produced a message that is not part of the protocol" });
      return;
    }
    post(message);
    if (message.type === 'learner-done' || message.type === 'learner-error') return;
  }
}

run(workerData as LearnerWorkerData);
