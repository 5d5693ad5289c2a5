import { describe, expect, it } from 'vitest';
import { InitializerClock, timeoutMessage } from '../../src/engine/realm-protocol';

/** A clock the test moves by hand, so the pace is known exactly. */
function manualClock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

describe('InitializerClock', () => {
  it('times the returned layers and the one still running', () => {
    const time = manualClock();
    const clock = new InitializerClock(time.now);
    for (let layer = 1; layer <= 3; layer++) {
      clock.layerStarted(0);
      time.advance(2_000);
      clock.layerReturned(0);
    }
    clock.layerStarted(0);
    time.advance(1_500);
    expect(clock.paceOf(0, 10)).toEqual({ returnedLayers: 3, returnedMs: 6_000, currentMs: 1_500, totalLayers: 10 });
    // Slow code (2 s a layer, 60 s limit for 100 layers) is told apart from a stuck layer.
    expect(timeoutMessage(60_000, { layer: 4, pace: clock.paceOf(0, 100) })).toContain('so all 100 layers would take about 200 s');
  });

  it('restarts for a new network and knows nothing of another one', () => {
    const time = manualClock();
    const clock = new InitializerClock(time.now);
    clock.layerStarted(0);
    time.advance(10);
    clock.layerReturned(0);
    clock.layerStarted(1);
    time.advance(50_000);
    clock.layerReturned(0); // a late message of the other network does not count
    expect(clock.paceOf(1, 8)).toEqual({ returnedLayers: 0, returnedMs: 0, currentMs: 50_000, totalLayers: 8 });
    expect(clock.paceOf(0, 8)).toBeUndefined();
  });

  it('a layer that runs far longer than the ones before it reads as stuck', () => {
    const time = manualClock();
    const clock = new InitializerClock(time.now);
    clock.layerStarted(0);
    time.advance(4);
    clock.layerReturned(0);
    clock.layerStarted(0);
    time.advance(59_996);
    expect(timeoutMessage(60_000, { layer: 2, pace: clock.paceOf(0, 50) })).toMatch(/that layer had run for 60 s, while the layer before it took 4 ms: an endless loop/);
  });
});
