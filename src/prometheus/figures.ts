import { queryInstant } from './client';
import { ClusterLabel, FIGURES, FigureDefinition, FigureId } from './promql';

/** One figure's values keyed by object (`node` or `namespace/pod`), or why it is missing. */
export type FigureResult = { status: 'ok'; values: Map<string, number> } | { status: 'missing'; reason: string };

export type Figures = Partial<Record<FigureId, FigureResult>>;

export interface PrometheusLink {
  /** The linked Prometheus datasource uid from the KubeAtlas datasource's jsonData, if any. */
  datasourceUid?: string;
  cluster?: ClusterLabel;
}

function keyOf(figure: FigureDefinition, labels: Record<string, string>): string | undefined {
  const parts = figure.by.map((label) => labels[label]);
  return parts.every((p) => p !== undefined && p !== '') ? parts.join('/') : undefined;
}

export const NO_PROMETHEUS_REASON =
  'No Prometheus datasource is linked to this cluster: choose one in the KubeAtlas datasource settings ' +
  '(Linked Prometheus) to see usage.';

function noSeriesReason(figure: FigureDefinition, cluster?: ClusterLabel): string {
  const clusterNote =
    cluster?.name && cluster.value ? ` with ${cluster.name}="${cluster.value}" (the configured cluster label)` : '';
  return (
    `Prometheus has no ${figure.metric} series${clusterNote} grouped by ${figure.by.join(', ')}: ` +
    `scrape ${figure.source}` +
    (clusterNote ? ' or check the cluster label name and value' : '') +
    '.'
  );
}

/**
 * Loads the given figures, one batched instant query each, in parallel. Never throws for a figure: a failed or
 * empty query becomes a `missing` entry with the reason, so the pages keep working from the API alone.
 */
export async function loadFigures(link: PrometheusLink, ids: FigureId[], signal?: AbortSignal): Promise<Figures> {
  const figures: Figures = {};
  if (!link.datasourceUid) {
    for (const id of ids) {
      figures[id] = { status: 'missing', reason: NO_PROMETHEUS_REASON };
    }
    return figures;
  }
  const uid = link.datasourceUid;
  await Promise.all(
    ids.map(async (id) => {
      const figure = FIGURES[id];
      try {
        const samples = await queryInstant(uid, figure.expr(link.cluster), signal);
        const values = new Map<string, number>();
        for (const sample of samples) {
          const key = keyOf(figure, sample.labels);
          if (key !== undefined && Number.isFinite(sample.value)) {
            values.set(key, sample.value);
          }
        }
        figures[id] =
          values.size > 0
            ? { status: 'ok', values }
            : { status: 'missing', reason: noSeriesReason(figure, link.cluster) };
      } catch (err) {
        if (signal?.aborted) {
          throw err;
        }
        figures[id] = { status: 'missing', reason: err instanceof Error ? err.message : String(err) };
      }
    })
  );
  return figures;
}

/** The figure's value for a key, or undefined when the figure or the key is missing. */
export function figureValue(figures: Figures, id: FigureId, key: string): number | undefined {
  const figure = figures[id];
  return figure?.status === 'ok' ? figure.values.get(key) : undefined;
}

/** Missing figures with their reasons, for the page's "missing figures" notice. Same reasons are merged. */
export function missingFigures(figures: Figures): Array<{ titles: string[]; reason: string }> {
  const byReason = new Map<string, string[]>();
  for (const [id, result] of Object.entries(figures)) {
    if (result?.status === 'missing') {
      const titles = byReason.get(result.reason) ?? [];
      titles.push(FIGURES[id as FigureId].title);
      byReason.set(result.reason, titles);
    }
  }
  return [...byReason.entries()].map(([reason, titles]) => ({ titles, reason }));
}

/** Why a figure is missing, for the tooltip of an "n/a" value; undefined when it is present. */
export function missingReason(figures: Figures, id: FigureId): string | undefined {
  const figure = figures[id];
  return figure?.status === 'missing' ? figure.reason : undefined;
}
