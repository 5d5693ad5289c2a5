/**
 * Defence in depth inside the learner worker. The sandbox frame's opaque origin and CSP already
 * deny network, storage and page access; this removes the APIs themselves from the worker's global
 * scope before learner code is evaluated, so touching one fails at once with a message that says why.
 */

import { WEBASSEMBLY_UNAVAILABLE } from '../engine/realm-protocol';

const BLOCKED_MESSAGE = 'is not available to initializers: they run without network, storage or page access';

/** Functions and constructors that reach the network or another context. */
const BLOCKED_CALLABLES = [
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'WebTransport',
  'EventSource',
  'importScripts',
  'BroadcastChannel',
  'SharedWorker',
  'close',
] as const;

/** Objects that reach storage. */
const BLOCKED_OBJECTS = ['indexedDB', 'caches', 'localStorage', 'sessionStorage', 'cookieStore', 'document'] as const;

export class BlockedApiError extends Error {
  constructor(name: string, message = `${name} ${BLOCKED_MESSAGE}`) {
    super(message);
    this.name = 'BlockedApiError';
  }
}

/** What only the learner's realm loses: nested workers (their threads would outlive a time-out and
 * starve the page) and its message channel to the frame (its one channel is the port to the grader). */
const LEARNER_REALM_CALLABLES = ['Worker', 'postMessage'] as const;

export function lockDownWorkerGlobals(scope: typeof globalThis = globalThis, options: { learnerRealm?: boolean } = {}): void {
  const callables: readonly string[] = options.learnerRealm ? [...BLOCKED_CALLABLES, ...LEARNER_REALM_CALLABLES] : BLOCKED_CALLABLES;
  for (const name of callables) {
    // The global scope's prototypes hold the originals (e.g. DedicatedWorkerGlobalScope.prototype.postMessage).
    for (let proto = Object.getPrototypeOf(scope); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      if (Object.prototype.hasOwnProperty.call(proto, name)) delete (proto as Record<string, unknown>)[name];
    }
  }
  for (const name of callables) {
    const blocked = function blockedApi() {
      throw new BlockedApiError(name);
    };
    define(scope, name, { value: blocked });
  }
  for (const name of BLOCKED_OBJECTS) {
    define(scope, name, {
      get() {
        throw new BlockedApiError(name);
      },
    });
  }
  if (options.learnerRealm) {
    define(scope, 'WebAssembly', {
      get() {
        throw new BlockedApiError('WebAssembly', WEBASSEMBLY_UNAVAILABLE);
      },
    });
  }
  const nav = (scope as { navigator?: object }).navigator;
  if (nav) {
    for (const name of ['storage', 'sendBeacon', 'serviceWorker'] as const) {
      define(nav, name, {
        get() {
          throw new BlockedApiError(`navigator.${name}`);
        },
      });
    }
  }
}

/** Non-configurable, so learner code cannot delete the stub to reach a prototype's original. */
function define(target: object, name: string, descriptor: PropertyDescriptor): void {
  // Remove own properties first (WorkerGlobalScope members are own properties of the global object),
  // then shadow whatever a prototype still has.
  try {
    delete (target as Record<string, unknown>)[name];
  } catch {
    /* non-configurable: shadowing below still applies where possible */
  }
  try {
    Object.defineProperty(target, name, { ...descriptor, configurable: false, enumerable: false });
  } catch {
    /* already locked */
  }
}
