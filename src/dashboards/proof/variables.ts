/**
 * Resolves the bundled dashboards' template variables against a real Prometheus the way Grafana does, so that every
 * panel target can be run with values of an actual cluster.
 */
import type { Json } from '../generator/model';

export interface VariableValue {
  value: string;
  text: string;
  /** The values an "All" option stands for. */
  all?: string[];
}
export type Assignment = Record<string, VariableValue>;

/** Grafana's template variable syntax: public/app/features/variables/utils.ts (variableRegex). */
const VARIABLE = /\$(\w+)|\[\[(\s*\w+)(?::(\w+))?\s*\]\]|\${(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?}/g;

/**
 * Replaces known variables and leaves unknown ones (like label_replace's `$1`) untouched, as Grafana does. A
 * `format` function, as a datasource passes to Grafana's templateSrv.replace, receives an All option's values.
 */
export function interpolate(text: string, values: Assignment, format?: (value: string | string[]) => string): string {
  return text.replace(VARIABLE, (match, simple, bracketed, bracketFormat, braced, _fieldPath, bracedFormat) => {
    const variable = values[simple ?? bracketed?.trim() ?? braced];
    if (!variable) {
      return match;
    }
    const wanted = bracketFormat ?? bracedFormat;
    if (wanted === 'text') {
      return variable.text;
    }
    if (wanted !== undefined && wanted !== 'raw') {
      throw new Error(`variable format ${wanted} in ${match} is not emulated`);
    }
    return format ? format(variable.all ?? variable.value) : variable.value;
  });
}

/** Every variable reference in a text, without Grafana's built-ins (`__…`). */
export function referencedVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1] ?? match[2]?.trim() ?? match[4];
    if (!name.startsWith('__') && !/^\d+$/.test(name)) {
      names.push(name);
    }
  }
  return names;
}

export interface PanelTarget {
  panel: string;
  refId: string;
  expr: string;
}

export function prometheusTargets(dashboard: Json): PanelTarget[] {
  const panels = dashboard.panels as Json[];
  return panels.flatMap((panel) =>
    ((panel.targets as Json[] | undefined) ?? []).map((target) => ({
      panel: panel.title as string,
      refId: target.refId as string,
      expr: target.expr as string,
    }))
  );
}

/** Grafana's label_values() and query_result() variable queries (packages/grafana-prometheus metric_find_query.ts). */
const LABEL_VALUES = /^label_values\((?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\)\s*$/;
const QUERY_RESULT = /^query_result\((.+)\)\s*$/s;

export interface VariableSource {
  labelValues(label: string, match?: string): Promise<string[]>;
  /** One line per series as Grafana's query_result() shows it: `name{label="value",…} value timestamp`. */
  queryResult(expr: string): Promise<string[]>;
}

/** A variable's regex keeps matching options, as their first capture group when it has one (Grafana's variable regex). */
function applyRegex(values: string[], regex: string): string[] {
  if (!regex) {
    return values;
  }
  const [, pattern, flags] = /^\/(.*)\/(\w*)$/s.exec(regex) ?? [undefined, regex, ''];
  const compiled = new RegExp(pattern!, flags);
  const kept = values.flatMap((value) => {
    const match = compiled.exec(value);
    return match ? [match[1] ?? match[0]] : [];
  });
  return [...new Set(kept)];
}

/** Options of one variable given the values of the variables before it. */
async function options(variable: Json, resolved: Assignment, prometheus: VariableSource): Promise<VariableValue[]> {
  switch (variable.type) {
    case 'datasource':
      // Only the Prometheus under test exists; the KubeAtlas datasource only feeds annotations and links.
      return [{ value: `${variable.name}-uid`, text: variable.name as string }];
    case 'textbox':
      return [{ value: variable.query as string, text: variable.query as string }];
    case 'custom':
      // Grafana's custom variable: comma-separated options, `text : value` pairs.
      return (variable.query as string).split(',').map((option) => {
        const [text, value = text] = option.split(' : ').map((part) => part.trim());
        return { text, value };
      });
    case 'query': {
      const query = interpolate(variable.query as string, resolved);
      const labelValues = LABEL_VALUES.exec(query);
      const queryResult = QUERY_RESULT.exec(query);
      if (!labelValues && !queryResult) {
        throw new Error(`variable ${variable.name}: only label_values() and query_result() are emulated, got ${query}`);
      }
      const found = labelValues
        ? await prometheus.labelValues(labelValues[2], labelValues[1])
        : await prometheus.queryResult(queryResult![1]);
      const values = applyRegex(found, variable.regex as string).sort();
      const single = values.map((value) => ({ value, text: value }));
      if (variable.includeAll) {
        return [
          { value: (variable.allValue as string) ?? `(${values.join('|')})`, text: 'All', all: values },
          ...single,
        ];
      }
      // A query without values leaves the variable empty (scenes' MultiValueVariable), e.g. no cluster label.
      return single.length ? single : [{ value: '', text: '' }];
    }
    default:
      throw new Error(`variable ${variable.name}: type ${variable.type} is not emulated`);
  }
}

export interface ResolvedVariable {
  name: string;
  options: number;
}

/**
 * Every combination of variable values, variables resolved in dashboard order as Grafana does (each may depend on
 * the ones before), at most `limit` of them, spread over the first variables' values rather than the first few.
 */
export async function assignments(
  dashboard: Json,
  prometheus: VariableSource,
  builtins: Assignment,
  limit: number
): Promise<{ combinations: Assignment[]; neverResolved: string[] }> {
  const variables = (dashboard.templating as { list: Json[] }).list;
  const neverResolved = new Set(variables.map((variable) => variable.name as string));
  const combinations: Assignment[] = [];
  async function walk(index: number, resolved: Assignment, budget: number): Promise<void> {
    if (index === variables.length) {
      combinations.push(resolved);
      return;
    }
    const variable = variables[index];
    const values = await options(variable, { ...builtins, ...resolved }, prometheus);
    if (values.some((value) => value.value !== '')) {
      neverResolved.delete(variable.name as string);
    }
    // A hidden variable keeps its default (the first option: All for the multi-value ones).
    const taken = values.slice(0, variable.hide === 2 ? 1 : Math.max(1, budget));
    const share = Math.max(1, Math.floor(budget / taken.length));
    for (const value of taken) {
      await walk(index + 1, { ...resolved, [variable.name as string]: value }, share);
    }
  }
  await walk(0, {}, limit);
  return { combinations, neverResolved: [...neverResolved] };
}
