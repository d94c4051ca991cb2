/**
 * @jest-environment node
 */
import { parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['100m', 0.1],
    ['1', 1],
    ['15900m', 15.9],
    ['500u', 0.0005],
    ['2000000n', 0.002],
    ['128Mi', 128 * 2 ** 20],
    ['8126464Ki', 8126464 * 1024],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2Ei', 2 * 2 ** 60],
    ['100Gi', 100 * 2 ** 30],
    ['500M', 5e8],
    ['1k', 1000],
    ['3E', 3e18],
    ['1e3', 1000],
    ['1.5E-2', 0.015],
    ['-2', -2],
    ['.5', 0.5],
    [110, 110],
    [undefined, 0],
    ['', 0],
  ])('%p is %p', (quantity, value) => {
    expect(parseQuantity(quantity)).toBeCloseTo(value, 12);
  });

  it.each(['1KB', 'Mi', '1 Gi', '0x10', '1e'])('%p is not a quantity', (quantity) => {
    expect(parseQuantity(quantity)).toBeNaN();
  });
});
