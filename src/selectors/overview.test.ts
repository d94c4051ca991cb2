import fc from 'fast-check';
import { play, rebuilt, stepArb } from '../model/testdata/storeSteps';
import { selectOverviewCounts } from './overview';

describe('selectOverviewCounts, memoized per namespace index', () => {
  it('after any sequence of watch events and relists, equals the counts of a snapshot built from scratch', () => {
    // A snapshot built from scratch has only new index objects: nothing memoized applies to it.
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.subarray(['shop', 'billing', 'monitoring', 'kube-system', 'absent']),
        (steps, every, namespaces) => {
          let compared = 0;
          play(steps, every, (snapshot, held) => {
            const reference = rebuilt(held);
            expect(selectOverviewCounts(snapshot, namespaces)).toEqual(selectOverviewCounts(reference, namespaces));
            expect(selectOverviewCounts(snapshot)).toEqual(selectOverviewCounts(reference));
            compared++;
          });
          return compared === Math.ceil(steps.length / every);
        }
      ),
      { numRuns: 200 }
    );
  });
});
