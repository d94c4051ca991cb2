import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import type { KubernetesDataSource } from '../datasource';

// Grafana's Combobox sizes its menu with canvas measureText, which jsdom does not implement.
beforeAll(() => {
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({
    measureText: (text: string) => ({ width: text.length * 7 }),
  } as unknown as CanvasRenderingContext2D);
});

describe('AnnotationQueryEditor', () => {
  const props = () => ({ datasource: {} as KubernetesDataSource, onChange: jest.fn(), onRunQuery: jest.fn() });

  it('starts from an empty annotation', () => {
    const p = props();
    render(<AnnotationQueryEditor {...p} query={undefined as never} />);
    fireEvent.change(screen.getByPlaceholderText('all namespaces'), { target: { value: '$namespace' } });
    expect(p.onChange).toHaveBeenLastCalledWith({ refId: 'Anno', namespace: '$namespace' });
  });

  it('edits the involved object and keeps the other filters', () => {
    const p = props();
    render(<AnnotationQueryEditor {...p} query={{ refId: 'A', namespace: 'shop' }} />);
    const [kind, name] = screen.getAllByPlaceholderText('any');
    fireEvent.change(name, { target: { value: 'web-1' } });
    expect(p.onChange).toHaveBeenLastCalledWith({ refId: 'A', namespace: 'shop', involvedName: 'web-1' });
    fireEvent.change(kind, { target: { value: 'Pod' } });
    expect(p.onChange).toHaveBeenLastCalledWith({ refId: 'A', namespace: 'shop', involvedKind: 'Pod' });
  });
});
