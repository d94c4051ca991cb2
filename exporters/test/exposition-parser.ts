/**
 * A strict reader of Prometheus text exposition for tests: it rejects samples before their family's TYPE, families
 * split into several groups, malformed label sets and a series given twice (Prometheus fails such a scrape), so the
 * exporter's output is checked, not just tokenized.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  samples: Sample[];
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;

export function parseExposition(text: string): ParsedExposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current = '';
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') {
      continue;
    }
    const where = `line ${index + 1}: ${line.slice(0, 120)}`;
    const type = /^# TYPE (\S+) (gauge|counter|histogram|summary|untyped)$/.exec(line);
    if (type) {
      if (types.has(type[1])) {
        throw new Error(`family declared twice, ${where}`);
      }
      types.set(type[1], type[2]);
      if (current) {
        closed.add(current);
      }
      current = type[1];
      continue;
    }
    if (line.startsWith('#')) {
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) {
      throw new Error(`malformed sample, ${where}`);
    }
    const name = match[1];
    if (name !== current || closed.has(name)) {
      throw new Error(`sample outside its family's group, ${where}`);
    }
    const labels: Record<string, string> = {};
    const body = match[2] ?? '';
    if (series.has(`${name}{${body}}`)) {
      throw new Error(`series given twice, ${where}`);
    }
    series.add(`${name}{${body}}`);
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const label = LABEL.exec(body);
      if (!label) {
        throw new Error(`malformed labels, ${where}`);
      }
      if (label[1] in labels) {
        throw new Error(`duplicate label ${label[1]}, ${where}`);
      }
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = Number(match[3].replace(/^\+Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity'));
    if (Number.isNaN(value) && match[3] !== 'NaN') {
      throw new Error(`malformed value, ${where}`);
    }
    samples.push({ name, labels, value });
  }
  return { samples, types };
}
