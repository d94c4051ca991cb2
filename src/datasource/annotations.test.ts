import { normalizeAll } from '../model/normalize';
import type { EventModel } from '../model/types';
import { eventAnnotations } from './annotations';
import { eventFilter } from './eventFilter';
import type { Replace } from './interpolation';

const replace: Replace = (text, format) => text.replace('$pod', format(['web-1', 'web-2']));
const at = (iso: string) => Date.parse(iso);
const event = (name: string, type: string, object: string, first: string, last: string, namespace = 'shop') => ({
  metadata: { name, namespace },
  type,
  reason: type === 'Warning' ? 'BackOff' : 'Pulled',
  message: `${name} happened`,
  involvedObject: { kind: 'Pod', name: object, namespace },
  count: 2,
  firstTimestamp: first,
  lastTimestamp: last,
});
const events = normalizeAll('Event', [
  event('before', 'Warning', 'web-1', '2026-11-20T08:00:00Z', '2026-11-20T08:30:00Z'),
  event('spanning', 'Warning', 'web-1', '2026-11-20T08:00:00Z', '2026-11-20T10:30:00Z'),
  event('inside', 'Normal', 'web-2', '2026-11-20T10:10:00Z', '2026-11-20T10:10:00Z'),
  event('other-pod', 'Warning', 'api-1', '2026-11-20T10:10:00Z', '2026-11-20T10:10:00Z'),
  event('other-ns', 'Warning', 'web-1', '2026-11-20T10:10:00Z', '2026-11-20T10:10:00Z', 'staging'),
]) as EventModel[];
const range = { from: at('2026-11-20T10:00:00Z'), to: at('2026-11-20T11:00:00Z') };

describe('event annotations', () => {
  it('keeps events overlapping the range, filtered by type, namespace and object', () => {
    const filter = eventFilter(
      { refId: 'A', eventType: 'Warning', namespace: 'shop', involvedName: '$pod' },
      replace,
      range
    );
    expect(events.filter(filter.matches).map((e) => e.name)).toEqual(['spanning']);
    const any = eventFilter({ refId: 'A', namespace: 'shop', involvedName: '$pod' }, replace, range);
    expect(events.filter(any.matches).map((e) => e.name)).toEqual(['spanning', 'inside']);
  });

  it('pushes single-valued filters to the API as a field selector and namespace', () => {
    const filter = eventFilter(
      { refId: 'A', eventType: 'Warning', involvedKind: 'Pod', involvedName: 'web-1', namespace: 'shop' },
      replace,
      range
    );
    expect(filter.fieldSelector).toBe('type=Warning,involvedObject.kind=Pod,involvedObject.name=web-1');
    expect(filter.namespace).toBe('shop');
    const multi = eventFilter({ refId: 'A', involvedName: '$pod' }, replace, range);
    expect(multi.fieldSelector).toBeUndefined();
    expect(multi.namespace).toBeUndefined();
  });

  it('builds an annotation frame with time, timeEnd, title, text and tags', () => {
    const frame = eventAnnotations(
      events.filter((e) => e.name === 'spanning'),
      'Anno'
    );
    const value = (name: string) => frame.fields.find((f) => f.name === name)!.values[0];
    expect(value('time')).toBe(at('2026-11-20T08:00:00Z'));
    expect(value('timeEnd')).toBe(at('2026-11-20T10:30:00Z'));
    expect(value('title')).toBe('Warning BackOff');
    expect(value('text')).toBe('Pod shop/web-1: spanning happened (×2)');
    expect(value('tags')).toEqual(['Warning', 'BackOff', 'Pod', 'shop']);
  });
});
