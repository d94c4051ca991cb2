/**
 * Prometheus text exposition format 0.0.4 writer. Samples are buffered per family so that every family is one
 * contiguous group after its HELP/TYPE lines, as the format requires, even when generators walk objects
 * (a pod at a time) rather than families.
 */
export type MetricType = 'gauge' | 'counter';
export type Labels = Record<string, string>;

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  return String(value);
}

const CHUNK_CHARS = 64 * 1024;

/** `a="1",b="2"`: a label set as it appears between the braces. */
export function renderLabels(labels: Labels): string {
  let out = '';
  for (const key in labels) {
    out += `${out ? ',' : ''}${key}="${escapeLabelValue(labels[key])}"`;
  }
  return out;
}

export class MetricFamily {
  private readonly chunks: string[] = [];
  private current: string;

  constructor(
    readonly name: string,
    type: MetricType,
    help: string
  ) {
    this.current = `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
  }

  add(labels: Labels, value: number): void {
    this.addRendered(renderLabels(labels), value);
  }

  /** Adds a sample whose labels are already rendered (renderLabels), so objects' identifying labels render once. */
  addRendered(renderedLabels: string, value: number): void {
    this.addRenderedLines(this.line(renderedLabels, value));
  }

  /** One sample line of this family, for callers that keep rendered lines (see addRenderedLines). */
  line(renderedLabels: string, value: number): string {
    return `${this.name}${renderedLabels ? `{${renderedLabels}}` : ''} ${formatValue(value)}\n`;
  }

  /** Appends complete sample lines of this family. */
  addRenderedLines(lines: string): void {
    this.current += lines;
    if (this.current.length > CHUNK_CHARS) {
      this.chunks.push(this.current);
      this.current = '';
    }
  }

  appendTo(out: string[]): void {
    out.push(...this.chunks);
    if (this.current) {
      out.push(this.current);
    }
  }
}

export class ExpositionWriter {
  private readonly families = new Map<string, MetricFamily>();

  /** Declares a family (idempotent); families without samples still get HELP/TYPE, as kube-state-metrics does. */
  family(name: string, type: MetricType, help: string): MetricFamily {
    let family = this.families.get(name);
    if (!family) {
      family = new MetricFamily(name, type, help);
      this.families.set(name, family);
    }
    return family;
  }

  /** The exposition as chunks, families in declaration order, ready to stream into a response. */
  toChunks(): string[] {
    const out: string[] = [];
    for (const family of this.families.values()) {
      family.appendTo(out);
    }
    return out;
  }

  toString(): string {
    return this.toChunks().join('');
  }
}
