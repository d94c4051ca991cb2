/**
 * @jest-environment node
 */
import {
  parseLabelSelector,
  matchesLabelSelector,
  parseFieldSelector,
  matchesFieldSelector,
  formatLabelSelector,
} from './selectors';
import { KubeObject } from '../cluster/store';

const labels = { app: 'cart', tier: 'backend', version: '3' };
const matches = (selector: string) => matchesLabelSelector(labels, parseLabelSelector(selector));

describe('label selectors', () => {
  it.each([
    ['app=cart', true],
    ['app==cart', true],
    ['app!=cart', false],
    ['app!=web', true],
    ['app in (web, cart)', true],
    ['app notin (web,cart)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['missing!=x', true],
    ['app=cart,tier=frontend', false],
    ['version>2', true],
    ['version<3', false],
    ['', true],
  ])('%s → %s', (selector, expected) => {
    expect(matches(selector)).toBe(expected);
  });

  it.each(['app=!!', 'app in (a', '=x', 'a b'])('rejects malformed %p with a 400 that says why', (selector) => {
    let error: { code?: number; message?: string } = {};
    try {
      parseLabelSelector(selector);
    } catch (e) {
      error = e as { code: number; message: string };
    }
    expect(error.code).toBe(400);
    expect(error.message).toMatch(/unable to parse requirement/);
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'shop' },
    spec: { nodeName: 'n1' },
    status: { phase: 'Running' },
  } as unknown as KubeObject;

  it('selects pods by node, phase, name and namespace', () => {
    expect(matchesFieldSelector(pod, 'pods', parseFieldSelector('spec.nodeName=n1,status.phase!=Failed', 'pods'))).toBe(
      true
    );
    expect(matchesFieldSelector(pod, 'pods', parseFieldSelector('metadata.namespace==data', 'pods'))).toBe(false);
    expect(matchesFieldSelector(pod, 'pods', parseFieldSelector('metadata.name=p', 'pods'))).toBe(true);
  });

  it('selects events by involvedObject fields', () => {
    const event = {
      metadata: { name: 'e', namespace: 'shop' },
      involvedObject: { kind: 'Pod', name: 'p', uid: 'u1' },
    } as unknown as KubeObject;
    expect(
      matchesFieldSelector(event, 'events', parseFieldSelector('involvedObject.name=p,involvedObject.uid=u1', 'events'))
    ).toBe(true);
    expect(matchesFieldSelector(event, 'events', parseFieldSelector('involvedObject.kind=Node', 'events'))).toBe(false);
  });

  it('rejects fields the resource does not support, like the apiserver', () => {
    expect(() => parseFieldSelector('spec.nodeName=n1', 'deployments')).toThrow(
      'field label not supported: spec.nodeName'
    );
    expect(() => parseFieldSelector('nonsense', 'pods')).toThrow("invalid selector: 'nonsense'");
  });
});

it('formats label selectors as kubectl shows them', () => {
  expect(
    formatLabelSelector({
      matchLabels: { b: '2', a: '1' },
      matchExpressions: [{ key: 'c', operator: 'In', values: ['x', 'y'] }],
    })
  ).toBe('a=1,b=2,c in (x,y)');
});
