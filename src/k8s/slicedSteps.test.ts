/**
 * @jest-environment node
 */
import { SlicedSteps } from './slicedSteps';

/** A clock whose every reading is `tick` ms later, with timers run by hand. */
function busyClock(tick: number) {
  let time = 0;
  const timers: Array<() => void> = [];
  return {
    now: () => (time += tick),
    setTimeout: (callback: () => void) => {
      timers.push(callback);
      return () => timers.splice(timers.indexOf(callback) >>> 0, 1);
    },
    runNext: () => timers.shift()?.(),
    get pending() {
      return timers.length;
    },
  };
}

describe('SlicedSteps', () => {
  it('runs steps at once while the budget lasts, then one slice a task, in order', () => {
    const clock = busyClock(2);
    const steps = new SlicedSteps(clock, 5);
    const ran: number[] = [];
    steps.add(...Array.from({ length: 10 }, (_, i) => () => ran.push(i)));
    // Readings at 2 (the slice ends at 7), 4, 6, 8: three steps, then a timer.
    expect(ran).toEqual([0, 1, 2]);
    expect(steps.waiting).toBe(7);
    while (clock.pending) {
      clock.runNext();
    }
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.waiting).toBe(0);
  });

  it('steps added while others wait run after them; added from a step, after the step', () => {
    const clock = busyClock(0);
    const steps = new SlicedSteps(clock, 5);
    const ran: string[] = [];
    steps.add(
      () => {
        ran.push('a');
        steps.add(() => ran.push('a2'));
      },
      () => ran.push('b')
    );
    expect(ran).toEqual(['a', 'b', 'a2']);
    expect(clock.pending).toBe(0);
  });

  it('clear drops what waits, its timer too; the queue then works again', () => {
    const clock = busyClock(3);
    const steps = new SlicedSteps(clock, 5);
    const ran: number[] = [];
    steps.add(...[1, 2, 3, 4].map((n) => () => ran.push(n)));
    expect(clock.pending).toBe(1);
    steps.clear();
    expect(clock.pending).toBe(0);
    expect(steps.waiting).toBe(0);
    steps.add(() => ran.push(9));
    expect(ran).toEqual([1, 2, 9]);
  });
});
