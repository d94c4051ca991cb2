import fc from 'fast-check';
import {
  ansiSegments,
  capLines,
  compareTime,
  LineReader,
  LineSplitter,
  logqlSelector,
  logqlString,
  markRanges,
  matchRanges,
  MAX_LINE_CHARS,
  mergeLines,
  resumeFilter,
  truncateSegments,
  visibleControls,
  type LogLine,
} from './logLines';

const bytes = (text: string) => new TextEncoder().encode(text);

function reader(pod?: string) {
  let seq = 0;
  return new LineReader(pod, () => seq++);
}

describe('LineSplitter', () => {
  it('splits lines across chunks, keeps a UTF-8 character split between chunks, and ends the last line', () => {
    const splitter = new LineSplitter();
    const euro = bytes('€');
    expect(splitter.push(bytes('one\r\ntw'))).toEqual([{ text: 'one', cut: 0 }]);
    expect(splitter.push(new Uint8Array([...bytes('o '), euro[0]]))).toEqual([]);
    expect(splitter.push(new Uint8Array([euro[1], euro[2], 10, ...bytes('three')]))).toEqual([
      { text: 'two €', cut: 0 },
    ]);
    expect(splitter.end()).toEqual([{ text: 'three', cut: 0 }]);
  });

  it('decodes binary as U+FFFD and holds at most MAX_LINE_CHARS of a line, counting the rest', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(new Uint8Array([0xff, 0xfe, 10]))).toEqual([{ text: '\ufffd\ufffd', cut: 0 }]);
    const huge = 'x'.repeat(MAX_LINE_CHARS);
    splitter.push(bytes(huge));
    const [line] = splitter.push(bytes(`${huge}\n`));
    expect(line.text.length).toBe(MAX_LINE_CHARS);
    expect(line.cut).toBe(MAX_LINE_CHARS);
    expect(splitter.push(bytes('short\n'))).toEqual([{ text: 'short', cut: 0 }]);
  });
});

describe('LineReader', () => {
  it('takes the RFC 3339 prefix off, with nanoseconds, and gives unstamped lines the time before them', () => {
    const lines = reader('web-1').read([
      { text: '2026-01-10T12:00:00.123456789Z INFO start', cut: 0 },
      { text: '  at continuation', cut: 0 },
      { text: '2026-01-10T12:00:01Z done', cut: 0 },
    ]);
    const t0 = Date.parse('2026-01-10T12:00:00.123Z');
    expect(lines.map(({ time, nanos, stamp, text, pod }) => ({ time, nanos, stamp, text, pod }))).toEqual([
      { time: t0, nanos: 456789, stamp: '2026-01-10T12:00:00.123456789Z', text: 'INFO start', pod: 'web-1' },
      { time: t0, nanos: 456789, stamp: '', text: '  at continuation', pod: 'web-1' },
      { time: t0 + 877, nanos: 0, stamp: '2026-01-10T12:00:01Z', text: 'done', pod: 'web-1' },
    ]);
    expect(lines.map((l) => l.seq)).toEqual([0, 1, 2]);
  });
});

/** Lines of several pods, each pod's lines in time order (as one stream sends them). */
const streams = fc
  .array(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), { maxLength: 30 }), {
    minLength: 1,
    maxLength: 5,
  })
  .map((pods) => {
    let seq = 0;
    return pods.map((steps, p) => {
      let time = 0;
      let nanos = 0;
      return steps.map(([dt, dn]): LogLine => {
        time += dt;
        nanos = dt > 0 ? dn : nanos + dn;
        return { seq: seq++, pod: `pod-${p}`, time, nanos, stamp: '', text: `pod-${p} line ${seq}`, cut: 0 };
      });
    });
  });

describe('mergeLines', () => {
  it('is in time order, loses no line, and keeps each pod in its own order, in whatever batches lines come', () => {
    fc.assert(
      fc.property(streams, fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }), (pods, sizes) => {
        // Deliver each pod's lines in batches of the given sizes, pods taking turns.
        let held: LogLine[] = [];
        const cursors = pods.map(() => 0);
        for (let round = 0; cursors.some((c, p) => c < pods[p].length); round++) {
          pods.forEach((lines, p) => {
            const size = sizes[(round + p) % sizes.length];
            held = mergeLines(held, lines.slice(cursors[p], cursors[p] + size));
            cursors[p] += size;
          });
        }
        for (let i = 1; i < held.length; i++) {
          expect(compareTime(held[i - 1], held[i])).toBeLessThanOrEqual(0);
        }
        expect(held.map((l) => l.seq).sort((a, b) => a - b)).toEqual(pods.flat().map((l) => l.seq));
        for (const lines of pods) {
          const pod = lines[0]?.pod;
          expect(held.filter((l) => l.pod === pod).map((l) => l.seq)).toEqual(lines.map((l) => l.seq));
        }
      })
    );
  });

  it('does not change the array it merges into', () => {
    const [a, b] = reader().read([
      { text: '2026-01-10T12:00:02Z b', cut: 0 },
      { text: '2026-01-10T12:00:01Z a', cut: 0 },
    ]);
    const held = [a];
    expect(mergeLines(held, [b]).map((l) => l.text)).toEqual(['a', 'b']);
    expect(held).toEqual([a]);
  });
});

describe('capLines and resumeFilter', () => {
  it('keeps the last lines and says how many were dropped', () => {
    const lines = reader().read(Array.from({ length: 10 }, (_, i) => ({ text: `l${i}`, cut: 0 })));
    const capped = capLines(lines, 4);
    expect(capped.dropped).toBe(6);
    expect(capped.lines.map((l) => l.text)).toEqual(['l6', 'l7', 'l8', 'l9']);
    expect(capLines(lines, 10)).toEqual({ lines, dropped: 0 });
  });

  it('a resumed stream adds exactly the lines after those held, repeats of the last second skipped', () => {
    const r = reader();
    const held = r.read(
      ['11:59:59.9Z x', '12:00:00.1Z a', '12:00:00.5Z b', '12:00:00.5Z c'].map((t) => ({
        text: `2026-01-10T${t}`,
        cut: 0,
      }))
    );
    const again = r.read(
      ['12:00:00.1Z a', '12:00:00.5Z b', '12:00:00.5Z c', '12:00:00.5Z d', '12:00:00.9Z e'].map((t) => ({
        text: `2026-01-10T${t}`,
        cut: 0,
      }))
    );
    expect(again.filter(resumeFilter(held)).map((l) => l.text)).toEqual(['d', 'e']);
    expect(again.filter(resumeFilter([])).length).toBe(5);
  });
});

describe('ansiSegments', () => {
  it('turns SGR colours and attributes into styles and resets them', () => {
    expect(ansiSegments('\x1b[1;31mERROR\x1b[0m plain \x1b[38;5;208mo\x1b[38;2;1;2;3mr\x1b[39mx')).toEqual([
      { text: 'ERROR', style: { bold: true, color: '#e05561' } },
      { text: ' plain ' },
      { text: 'o', style: { color: 'rgb(255, 135, 0)' } },
      { text: 'r', style: { color: 'rgb(1, 2, 3)' } },
      { text: 'x' },
    ]);
  });

  it('drops other escape sequences (cursor moves, OSC 8 hyperlinks, title changes) and shows control characters', () => {
    const segments = ansiSegments(
      '\x1b[2J\x1b[Hclear \x1b]8;;javascript:alert(1)\x07link\x1b]8;;\x07 \x1b]0;title\x1b\\bell\x07 nul\x00 \x1b[38;2;999;0;0mbig'
    );
    expect(segments.map((s) => s.text).join('')).toBe('clear link bell␇ nul␀ big');
    expect(segments.some((s) => s.style?.color)).toBe(false);
    expect(ansiSegments('a\x1b').map((s) => s.text)).toEqual(['a']);
  });

  it('never lets markup or an escape byte through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = ansiSegments(text);
        expect(out.some((s) => /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e]/.test(s.text))).toBe(false);
        for (const s of out) {
          for (const value of [s.style?.color, s.style?.background]) {
            expect(value === undefined || /^(#[0-9a-f]{6}|rgb\(\d{1,3}, \d{1,3}, \d{1,3}\))$/.test(value)).toBe(true);
          }
        }
      })
    );
  });
});

describe('visibleControls', () => {
  it('shows C0, DEL, C1 and bidi controls as symbols and keeps tabs and ordinary text', () => {
    expect(visibleControls('a\tb\r\x7f\x85\u202Etxt.exe')).toBe('a\tb␍␡\ufffd⟨U+202E⟩txt.exe');
  });
});

describe('search marks', () => {
  it('finds matches case-insensitively, with regex characters taken literally', () => {
    expect(matchRanges('Error: a.b ERROR a+b', 'error')).toEqual([
      [0, 5],
      [11, 16],
    ]);
    expect(matchRanges('a.b axb', 'a.b')).toEqual([[0, 3]]);
    expect(matchRanges('anything', '')).toEqual([]);
  });

  it('splits styled segments at match edges', () => {
    const segments = ansiSegments('\x1b[31mred\x1b[0m text');
    expect(markRanges(segments, matchRanges('red text', 'd t'))).toEqual([
      { text: 're', style: { color: '#e05561' } },
      { text: 'd', style: { color: '#e05561' }, mark: true },
      { text: ' t', mark: true },
      { text: 'ext' },
    ]);
  });

  it('keeps every character and marks exactly the matches', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 5 }), fc.string({ minLength: 1, maxLength: 3 }), (texts, q) => {
        const segments = texts.map((text) => ({ text }));
        const plain = texts.join('');
        const ranges = matchRanges(plain, q);
        const marked = markRanges(segments, ranges);
        expect(marked.map((s) => s.text).join('')).toBe(plain);
        const markedChars = marked.filter((s) => s.mark).reduce((n, s) => n + s.text.length, 0);
        expect(markedChars).toBe(ranges.reduce((n, [a, b]) => n + b - a, 0));
      })
    );
  });

  it('truncates segments to a number of characters', () => {
    expect(truncateSegments([{ text: 'abc' }, { text: 'def', mark: true }, { text: 'g' }], 4)).toEqual([
      { text: 'abc' },
      { text: 'd', mark: true },
    ]);
  });
});

describe('LogQL', () => {
  it('escapes label values as LogQL (Go) string literals', () => {
    expect(logqlString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(logqlSelector({ namespace: 'shop', pods: ['web-1'], container: 'app' })).toBe(
      '{namespace="shop", pod="web-1", container="app"}'
    );
    expect(logqlSelector({ namespace: 'shop', pods: ['web-1', 'web.2'] })).toBe(
      '{namespace="shop", pod=~"web-1|web\\\\.2"}'
    );
  });

  it('round-trips any value through JSON-compatible unquoting', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        // Go's strconv.Unquote and JSON agree on these escapes; the other characters pass as they are.
        expect(
          JSON.parse(
            logqlString(value).replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
          )
        ).toBe(value);
      })
    );
  });
});
