/**
 * What the exporter needs from a kubeconfig: the current context's server URL, its CA, and a bearer token or a client
 * certificate. File references (certificate-authority, client-certificate, client-key, tokenFile) are resolved
 * against the kubeconfig's folder, as kubectl does. TLS is always verified: insecure-skip-tls-verify is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

export interface ApiCredentials {
  /** https://host:port (or http:// for a plain-HTTP test server). */
  server: string;
  /** PEM of the CA that signed the server's certificate; the system's CAs when absent. */
  ca?: string;
  token?: string;
  cert?: string;
  key?: string;
  /** "<file> (context <name>)", for messages. */
  source: string;
}

interface Kubeconfig {
  'current-context'?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string } }>;
  clusters?: Array<{ name: string; cluster?: Record<string, unknown> }>;
  users?: Array<{ name: string; user?: Record<string, unknown> }>;
}

export function credentialsFrom(kubeconfigPath: string, contextName?: string): ApiCredentials {
  const where = `--kubeconfig ${kubeconfigPath}`;
  let text: string;
  try {
    text = fs.readFileSync(kubeconfigPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `${where}: cannot read it (${code}); pass the file the testbed wrote (npm run testbed -- --kubeconfig-out FILE) or another kubeconfig`
    );
  }
  let config: Kubeconfig;
  try {
    config = (yaml.load(text) ?? {}) as Kubeconfig;
  } catch (error) {
    throw new Error(`${where}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const contexts = config.contexts ?? [];
  const wanted = contextName ?? config['current-context'];
  const context = wanted ? contexts.find((c) => c.name === wanted) : contexts.length === 1 ? contexts[0] : undefined;
  if (!context?.context) {
    const known = contexts.map((c) => c.name).join(', ') || 'none';
    throw new Error(
      wanted
        ? `${where}: no context "${wanted}" (contexts: ${known}); set current-context to one of them`
        : `${where}: no current-context and ${contexts.length} contexts (${known}); set current-context`
    );
  }
  const source = `${kubeconfigPath} (context ${context.name})`;
  const cluster = config.clusters?.find((c) => c.name === context.context?.cluster)?.cluster;
  if (!cluster || typeof cluster.server !== 'string' || !/^https?:\/\//.test(cluster.server)) {
    throw new Error(
      `${where}: context "${context.name}" names cluster "${context.context.cluster}", which has no server URL (https://host:port)`
    );
  }
  if (cluster['insecure-skip-tls-verify'] === true) {
    throw new Error(
      `${where}: cluster "${context.context.cluster}" sets insecure-skip-tls-verify; the exporter verifies TLS, so remove it and put the cluster's CA in certificate-authority-data`
    );
  }
  const base = path.dirname(path.resolve(kubeconfigPath));
  const inline = (data: unknown) => (typeof data === 'string' ? Buffer.from(data, 'base64').toString() : undefined);
  const file = (field: string, value: unknown) => {
    if (typeof value !== 'string') {
      return undefined;
    }
    try {
      return fs.readFileSync(path.resolve(base, value), 'utf8');
    } catch (error) {
      throw new Error(`${where}: ${field} ${value}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
    }
  };
  const ca =
    inline(cluster['certificate-authority-data']) ?? file('certificate-authority', cluster['certificate-authority']);
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(
      `${where}: the cluster's certificate authority is not a PEM certificate (base64 of one, for -data)`
    );
  }

  const user = config.users?.find((u) => u.name === context.context?.user)?.user ?? {};
  for (const unsupported of ['exec', 'auth-provider', 'username']) {
    if (user[unsupported] !== undefined) {
      throw new Error(
        `${where}: user "${context.context.user}" authenticates with ${unsupported}, which the exporter does not run; give it a token (kubectl create token <serviceaccount>) or a client certificate`
      );
    }
  }
  const token = typeof user.token === 'string' ? user.token : file('tokenFile', user.tokenFile)?.trim() || undefined;
  const cert = inline(user['client-certificate-data']) ?? file('client-certificate', user['client-certificate']);
  const key = inline(user['client-key-data']) ?? file('client-key', user['client-key']);
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error(`${where}: user "${context.context.user}" has a client certificate or key but not both`);
  }
  if (!token && !cert) {
    throw new Error(
      `${where}: user "${context.context.user}" has no token and no client certificate; the apiserver would treat the exporter as system:anonymous`
    );
  }
  return { server: cluster.server.replace(/\/+$/, ''), ca, token, cert, key, source };
}
