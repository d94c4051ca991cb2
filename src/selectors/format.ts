import { formattedValueToString, getValueFormat } from '@grafana/data';

/** Memory in IEC units, as kubectl and Grafana's "bytes(IEC)" unit show it. */
export function formatBytes(bytes: number): string {
  return formattedValueToString(getValueFormat('bytes')(bytes, 1));
}

/** CPU in cores, with millicores below one core as Kubernetes writes requests ("250m", "1.5"). */
export function formatCores(cores: number): string {
  if (cores !== 0 && Math.abs(cores) < 1) {
    return `${Math.round(cores * 1000)}m`;
  }
  return `${Number(cores.toFixed(2))}`;
}

export function formatPercent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

/** `name 80→8080/TCP` (+ `NodePort 30080`): a Service port as the app map shows it. */
export function formatServicePort(port: {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol: string;
  nodePort?: number;
}): string {
  const target = port.targetPort ?? port.port;
  return [port.name, `${port.port}→${target}/${port.protocol}`, port.nodePort ? `NodePort ${port.nodePort}` : undefined]
    .filter(Boolean)
    .join(' ');
}
