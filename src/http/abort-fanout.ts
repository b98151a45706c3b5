/** What is told when a watched signal aborts. */
export interface AbortWatcher {
  signalAborted(reason: unknown): void;
}

/** The watchers of each signal being watched, behind the one listener that signal has. */
const watchers = new WeakMap<AbortSignal, Set<AbortWatcher>>();

/**
 * Tells `watcher` when `signal` aborts, until `unwatchAbort`. Every upstream call of a GraphQL
 * request watches the request's signal, and a `nodes` request makes a hundred: as listeners of
 * their own they would cost an EventTarget registration each and set off Node's
 * MaxListenersExceededWarning past ten. Here each signal gets one listener, and the calls are
 * entries in a set behind it, told in the order they came.
 *
 * The caller checks `signal.aborted` first: a watcher added to an aborted signal is never told.
 */
export function watchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  let set = watchers.get(signal);
  if (!set) {
    set = new Set();
    watchers.set(signal, set);
    signal.addEventListener('abort', tellWatchers, { once: true });
  }
  set.add(watcher);
}

export function unwatchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  watchers.get(signal)?.delete(watcher);
}

function tellWatchers(event: Event): void {
  const signal = event.target as AbortSignal;
  const set = watchers.get(signal);
  watchers.delete(signal);
  for (const watcher of set ?? []) {
    watcher.signalAborted(signal.reason);
  }
}
