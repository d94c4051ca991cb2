import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { LineReader, PREVIEW_CHARS } from '../../k8s/logLines';
import { LogLineView } from './LogLineView';

function line(text: string, pod?: string) {
  return new LineReader(pod, () => 0).read([{ text, cut: 0 }])[0];
}

describe('LogLineView', () => {
  it('renders markup and escape sequences as text, ANSI colours as styles, matches as <mark>', () => {
    const { container } = render(
      <LogLineView
        line={line('2026-01-10T12:00:00Z <img src=x onerror=alert(1)> \x1b[1;31mERROR\x1b[0m error\x07', 'web-1')}
        search="error"
        showTime
        showPod
        expanded={false}
        onToggle={() => undefined}
      />
    );
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByTestId('log-line')).toHaveTextContent(
      'web-12026-01-10T12:00:00Z<img src=x onerror=alert(1)> ERROR error␇'
    );
    const marks = Array.from(container.querySelectorAll('mark'));
    expect(marks.map((m) => m.textContent)).toEqual(['error', 'ERROR', 'error']);
    expect(marks[1]).toHaveStyle({ fontWeight: 'bold', color: '#e05561' });
  });

  it('folds a long line to a preview with a button that shows it all', () => {
    const onToggle = jest.fn();
    const long = line('x'.repeat(PREVIEW_CHARS + 500));
    const { rerender } = render(
      <LogLineView line={long} search="" showTime={false} showPod={false} expanded={false} onToggle={onToggle} />
    );
    expect(screen.getByTestId('log-line').textContent).toHaveLength(
      PREVIEW_CHARS + 1 + 'Show all 1,500 characters'.length
    );
    fireEvent.click(screen.getByRole('button', { name: 'Show all 1,500 characters' }));
    expect(onToggle).toHaveBeenCalledWith(long);
    rerender(<LogLineView line={long} search="" showTime={false} showPod={false} expanded onToggle={onToggle} />);
    expect(screen.getByText('x'.repeat(PREVIEW_CHARS + 500))).toBeInTheDocument();
  });
});
