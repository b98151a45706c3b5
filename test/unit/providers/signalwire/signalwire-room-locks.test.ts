import { describe, expect, it } from 'vitest';
import { RoomWriteLocks } from '../../../../src/providers/signalwire/signalwire-room-locks.js';

/** A write that records when it starts and ends, and finishes when told to. */
function write(log: string[], name: string) {
  let finish: (fail?: boolean) => void = () => {};
  const run = () =>
    new Promise<string>((resolve, reject) => {
      log.push(`start ${name}`);
      finish = (fail) => {
        log.push(`end ${name}`);
        if (fail) {
          reject(new Error(name));
        } else {
          resolve(name);
        }
      };
    });
  return { run, finish: (fail?: boolean) => finish(fail) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RoomWriteLocks', () => {
  it('runs one room’s writes one at a time, in arrival order, and other rooms alongside', async () => {
    const locks = new RoomWriteLocks();
    const log: string[] = [];
    const first = write(log, 'a1');
    const second = write(log, 'a2');
    const other = write(log, 'b1');
    const results = [
      locks.run('a', first.run),
      locks.run('a', second.run),
      locks.run('b', other.run),
    ];
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    first.finish(true);
    await tick();
    second.finish();
    other.finish();
    await expect(results[0]).rejects.toThrow('a1');
    await expect(results[1]).resolves.toBe('a2');
    await expect(results[2]).resolves.toBe('b1');
    // A failed write does not stop the next one.
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start a2', 'end a2', 'end b1']);
  });

  it('forgets a room once its writes are done', async () => {
    const locks = new RoomWriteLocks();
    await Promise.all(
      Array.from({ length: 100 }, (_, index) => locks.run(`room-${index}`, async () => index)),
    );
    await tick();
    expect(locks.busy).toBe(0);
  });
});
