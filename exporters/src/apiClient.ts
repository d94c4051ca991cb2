/**
 * GET requests to a Kubernetes apiserver with the kubeconfig's credentials, TLS verified against its CA, and what a
 * failure means for the person running the exporter: its cause, the fix, and whether trying again can help.
 */
import http from 'node:http';
import https from 'node:https';
import type { ApiCredentials } from './kubeconfig';

/** A non-200 answer, with the apiserver's Status message when the body is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly body: string,
    readonly retryAfterSeconds: number | undefined
  ) {
    super(`${status} for ${path}: ${statusMessage(body)}`);
  }

  get detail(): string {
    return statusMessage(this.body);
  }
}

/** The message of a Status body, or the body itself (kube-apiserver's 404 for an unserved group is plain text). */
function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: string };
    if (typeof status.message === 'string') {
      return status.message;
    }
  } catch {
    // not JSON: the text is the message
  }
  return body.trim().slice(0, 300);
}

/** A request that received nothing for its idle timeout. */
class IdleTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

const ERROR_BODY_LIMIT = 64 * 1024;

export class KubeClient {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(readonly credentials: ApiCredentials) {
    const tls = credentials.server.startsWith('https:');
    this.transport = tls ? https : http;
    this.agent = tls
      ? new https.Agent({ keepAlive: true, ca: credentials.ca, cert: credentials.cert, key: credentials.key })
      : new http.Agent({ keepAlive: true });
  }

  /** GET `path` and parse the 200 answer; rejects with ApiError for any other status. */
  async getJson<T>(path: string, idleTimeoutMs: number): Promise<T> {
    const response = await this.open(path, idleTimeoutMs);
    const body = await new Promise<string>((resolve, reject) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve(text));
      response.on('error', reject);
      response.on('close', () => !response.complete && reject(new Error(`the answer to ${path} was cut off`)));
    });
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new Error(`the answer to ${path} is not JSON (${body.slice(0, 80)}…): is this a Kubernetes apiserver?`);
    }
  }

  /**
   * Starts a GET whose body the caller reads as it arrives (a watch); resolves once a 200's headers are in. The
   * request is destroyed when nothing arrives for idleTimeoutMs, so a half-open connection cannot stall a watch.
   */
  open(path: string, idleTimeoutMs: number): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = this.transport.get(
        `${this.credentials.server}${path}`,
        { agent: this.agent, headers: this.headers(), timeout: idleTimeoutMs },
        (response) => {
          if (response.statusCode === 200) {
            return resolve(response);
          }
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => body.length < ERROR_BODY_LIMIT && (body += chunk));
          response.on('end', () => {
            const retryAfter = Number(response.headers['retry-after']);
            reject(new ApiError(response.statusCode ?? 0, path, body, retryAfter > 0 ? retryAfter : undefined));
          });
          response.on('error', reject);
        }
      );
      this.inFlight.add(request);
      request.on('close', () => this.inFlight.delete(request));
      request.on('timeout', () => request.destroy(new IdleTimeout(`nothing from ${path} for ${idleTimeoutMs} ms`)));
      request.on('error', reject);
    });
  }

  close(): void {
    this.inFlight.forEach((request) => request.destroy());
    this.agent.destroy();
  }

  private headers(): Record<string, string> {
    return {
      Accept: 'application/json',
      'User-Agent': 'kubeatlas-exporters',
      ...(this.credentials.token ? { Authorization: `Bearer ${this.credentials.token}` } : {}),
    };
  }
}

/** The collection a request was for, to name the RBAC rule that a 403 lacks. */
export interface Collection {
  group: string;
  resource: string;
}

export interface Explanation {
  message: string;
  /** Retrying cannot help (credentials, RBAC, TLS, a wrong URL): the first sync stops with the message. */
  fatal: boolean;
  /** An RBAC denial: who was denied (as the apiserver names them) and its words, so denials of kinds combine. */
  denied?: { user: string; message: string };
}

/** The rule that grants what the exporter does with a collection. */
export const ruleFor = (c: Collection) =>
  `{apiGroups: ["${c.group}"], resources: ["${c.resource}"], verbs: ["list", "watch"]}`;

export const RBAC_HINT =
  "a ClusterRole bound to that user by a ClusterRoleBinding; deploy/kubernetes/kubeatlas-reader.yaml's ClusterRole has every rule the exporter needs";

const WRONG_CA = [
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
];

export function explain(error: unknown, credentials: ApiCredentials, collection: Collection): Explanation {
  const server = credentials.server;
  const fatal = (message: string) => ({ message, fatal: true });
  if (error instanceof ApiError) {
    const detail = error.detail;
    if (error.status === 401) {
      return fatal(
        `${server} rejected the credentials of ${credentials.source} (401 ${detail}): the token or client certificate is expired, revoked or for another cluster; put a current one in the kubeconfig`
      );
    }
    if (error.status === 403 && detail.includes('"system:anonymous"')) {
      return fatal(
        `${server} did not recognise the credentials of ${credentials.source} and ran the request as system:anonymous (403 ${detail}); put a token or client certificate that this cluster issued in the kubeconfig`
      );
    }
    if (error.status === 403) {
      return {
        message: `${detail} (403). Grant it with the rule ${ruleFor(collection)} in ${RBAC_HINT}`,
        fatal: true,
        denied: { user: /User "([^"]+)"/.exec(detail)?.[1] ?? 'the kubeconfig user', message: detail },
      };
    }
    if (error.status === 400 && detail.includes('HTTP request to an HTTPS server')) {
      return fatal(`${server} serves HTTPS (${detail}): write https:// in the server URL of ${credentials.source}`);
    }
    if (error.status === 429 || error.status >= 500) {
      return {
        message: `${server} answered ${error.status} for ${error.path} (${detail})`,
        fatal: false,
      };
    }
    return fatal(`${server} answered ${error.status} for ${error.path}: ${detail}`);
  }
  const e = error as NodeJS.ErrnoException;
  const code = e.code ?? '';
  if (WRONG_CA.includes(code)) {
    return fatal(
      `TLS verification of ${server} failed (${code}: ${e.message}): the CA in ${credentials.source} (certificate-authority-data) did not sign the server's certificate, or there is none; put the cluster's CA there`
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return fatal(
      `the certificate of ${server} is outside its validity (${code}); renew it on the server, or check this machine's clock`
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return fatal(
      `the certificate of ${server} does not name its host (${e.message}); use a server URL with a name or IP the certificate lists`
    );
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) {
    return fatal(`${server} did not answer TLS (${code}): if it serves plain HTTP, write http:// in the kubeconfig`);
  }
  if (code === 'ECONNREFUSED') {
    return fatal(
      `nothing listens at ${server} (ECONNREFUSED): start the apiserver, or fix the server URL in ${credentials.source}`
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return fatal(`the host of ${server} does not resolve (${code}): fix the server URL in ${credentials.source}`);
  }
  return {
    message: `${collection.resource} from ${server}: ${e.message}${code ? ` (${code})` : ''}`,
    fatal: false,
  };
}
