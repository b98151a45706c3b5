import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AbortWatcher, unwatchAbort, watchAbort } from '../../../src/http/abort-fanout.js';

function recorder(log: string[], name: string): AbortWatcher {
  return { signalAborted: (reason) => log.push(`${name}: ${(reason as Error).message}`) };
}

describe('watchAbort', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('tells every watcher of a signal once, in the order they came, with its reason', () => {
    const controller = new AbortController();
    const log: string[] = [];
    watchAbort(controller.signal, recorder(log, 'a'));
    watchAbort(controller.signal, recorder(log, 'b'));
    controller.abort(new Error('gone'));
    controller.abort(new Error('again'));
    expect(log).toEqual(['a: gone', 'b: gone']);
  });

  it('forgets a watcher that unwatched, and keeps signals apart', () => {
    const first = new AbortController();
    const second = new AbortController();
    const log: string[] = [];
    const leaving = recorder(log, 'leaving');
    watchAbort(first.signal, leaving);
    watchAbort(first.signal, recorder(log, 'staying'));
    watchAbort(second.signal, recorder(log, 'other'));
    unwatchAbort(first.signal, leaving);
    first.abort(new Error('gone'));
    expect(log).toEqual(['staying: gone']);
  });

  it('puts one listener on a signal however many watch it, so Node never warns of a leak', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, 'addEventListener');
    const log: string[] = [];
    try {
      for (let index = 0; index < 100; index++) {
        watchAbort(controller.signal, recorder(log, String(index)));
      }
      controller.abort(new Error('gone'));
      // Node emits its warnings on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(added).toHaveBeenCalledTimes(1);
    expect(log).toHaveLength(100);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
