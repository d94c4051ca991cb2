import React, { useEffect, useRef } from 'react';
import { css } from '@emotion/css';
import { useVirtualizer } from '@tanstack/react-virtual';

interface Props<T> {
  items: T[];
  /** Stable key per item, so measured heights follow the item when the list is filtered. */
  getKey: (item: T, index: number) => string;
  /** First guess of a row's height; real heights are measured after render. */
  estimateSize: (item: T) => number;
  renderItem: (item: T) => React.ReactNode;
  /** CSS height of the scroll area. */
  height: string;
  testId?: string;
  /** Keep the last row in view as rows are added, while the user has not scrolled up (a followed log). */
  stickToEnd?: boolean;
}

/**
 * A list that renders only the rows in view (plus overscan), with measured variable heights: the app map's 300
 * namespaces and 1,000 workloads, the problems list and the node cards stay smooth at any size.
 */
export function VirtualList<T>({ items, getKey, estimateSize, renderItem, height, testId, stickToEnd }: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => estimateSize(items[index]),
    getItemKey: (index) => getKey(items[index], index),
    overscan: 6,
  });
  useEffect(() => {
    if (stickToEnd && atEnd.current && items.length > 0) {
      virtualizer.scrollToIndex(items.length - 1, { align: 'end' });
    }
  }, [stickToEnd, items.length, virtualizer]);
  const onScroll = (event: React.UIEvent<HTMLDivElement>) => {
    const { scrollHeight, scrollTop, clientHeight } = event.currentTarget;
    atEnd.current = scrollHeight - scrollTop - clientHeight < 40;
  };
  return (
    <div ref={scrollRef} className={styles.scroll} style={{ height }} data-testid={testId} onScroll={onScroll}>
      <div className={styles.inner} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            data-index={row.index}
            ref={virtualizer.measureElement}
            className={styles.row}
            style={{ transform: `translateY(${row.start}px)` }}
          >
            {renderItem(items[row.index])}
          </div>
        ))}
      </div>
    </div>
  );
}

const styles = {
  scroll: css({ overflowY: 'auto', contain: 'strict', minHeight: 320 }),
  inner: css({ position: 'relative', width: '100%' }),
  row: css({ position: 'absolute', top: 0, left: 0, width: '100%' }),
};
