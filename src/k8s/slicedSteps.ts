/**
 * Runs steps in the order they were added, in slices of at most `budgetMs`, giving the browser back its main thread
 * between slices. A watch chunk flushed by Grafana's proxy can hold hundreds of events (a rollout, a poll of a busy
 * kind); parsed and applied in one task, they made the page's only long tasks (docs/live-state.md). Steps added while
 * the queue is empty and the budget is not spent run at once, so a quiet stream costs no timer.
 */
import type { WatchClock } from './watch';

export const SLICE_BUDGET_MS = 8;

export class SlicedSteps {
  private steps: Array<() => void> = [];
  private next = 0;
  private running = false;
  private cancelResume: (() => void) | undefined;

  constructor(
    private readonly clock: WatchClock,
    private readonly budgetMs = SLICE_BUDGET_MS
  ) {}

  /** Steps given together share one slice's budget from the start; give a chunk's steps in one call. */
  add(...steps: Array<() => void>): void {
    this.steps.push(...steps);
    if (!this.running && !this.cancelResume) {
      this.run();
    }
  }

  /** Drops the steps not yet run (the stream they belong to was closed). */
  clear(): void {
    this.steps = [];
    this.next = 0;
    this.cancelResume?.();
    this.cancelResume = undefined;
  }

  /** Steps added and not yet run. */
  get waiting(): number {
    return this.steps.length - this.next;
  }

  private run(): void {
    this.running = true;
    const until = this.clock.now() + this.budgetMs;
    try {
      while (this.next < this.steps.length) {
        const step = this.steps[this.next++];
        step();
        if (this.next < this.steps.length && this.clock.now() >= until) {
          this.cancelResume = this.clock.setTimeout(() => {
            this.cancelResume = undefined;
            this.run();
          }, 0);
          return;
        }
      }
      this.steps = [];
      this.next = 0;
    } finally {
      this.running = false;
    }
  }
}
