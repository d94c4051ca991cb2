/**
 * The subset of Go's text/template that Grafana evaluates in plugin.json route `url`, `headers` and `urlParams`
 * (pkg/api/pluginproxy/utils.go `interpolateString`): field chains over `.JsonData` / `.SecureJsonData`, the `orEmpty`
 * function Grafana registers, and `{{-`/`-}}` trimming. A missing map key renders as Go does: `<no value>`.
 * Anything else throws, as Go's parser would reject or we cannot evaluate it faithfully.
 */
export interface TemplateData {
  JsonData: Record<string, unknown>;
  SecureJsonData: Record<string, string>;
}

const ACTION = /(\s*){{(-?)\s*(.*?)\s*(-?)}}(\s*)/gs;

export function renderGoTemplate(text: string, data: TemplateData): string {
  return text.replace(
    ACTION,
    (_match, before: string, trimLeft: string, body: string, trimRight: string, after: string) => {
      const value = evaluatePipeline(body, data, text);
      return `${trimLeft ? '' : before}${value}${trimRight ? '' : after}`;
    }
  );
}

function evaluatePipeline(body: string, data: TemplateData, text: string): string {
  const [head, ...functions] = body.split('|').map((part) => part.trim());
  let value = evaluateField(head, data, text);
  for (const fn of functions) {
    if (fn !== 'orEmpty') {
      throw new Error(`could not parse template ${text}: function "${fn}" not defined`);
    }
    value = value === undefined || value === null ? '' : value;
  }
  if (value === undefined) {
    return '<no value>';
  }
  return formatGoValue(value);
}

function evaluateField(expression: string, data: TemplateData, text: string): unknown {
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(expression)) {
    throw new Error(`could not parse template ${text}: unsupported action "${expression}"`);
  }
  let current: unknown = data;
  for (const key of expression.slice(1).split('.')) {
    if (current === null || typeof current !== 'object') {
      throw new Error(`failed to execute template ${text}: cannot evaluate field ${key}`);
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Go prints nil interface values as `<nil>`, numbers without exponent for integers, and maps/slices in its own form. */
function formatGoValue(value: unknown): string {
  if (value === null) {
    return '<nil>';
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}
