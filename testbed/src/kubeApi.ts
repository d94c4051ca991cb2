/**
 * The few Kubernetes API calls the launcher makes itself (readiness, creating scenario objects), over HTTPS with the
 * testbed's CA verified and a bearer token.
 */
import https from 'node:https';

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export class KubeApi {
  private readonly agent: https.Agent;

  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly ca: string
  ) {
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets: 16 });
  }

  request<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = https.request(
        new URL(apiPath, this.url),
        {
          method,
          agent: this.agent,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': 'application/json' } : {}),
          },
          timeout: 30000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            let parsed: unknown = undefined;
            try {
              parsed = JSON.parse(text);
            } catch {
              // plain text (e.g. /readyz, or the apiserver's "404 page not found")
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T, text });
          });
        }
      );
      request.on('timeout', () => request.destroy(new Error(`${method} ${apiPath}: no answer in 30 s`)));
      request.on('error', reject);
      request.end(payload);
    });
  }

  async get<T>(apiPath: string): Promise<T> {
    const response = await this.request<T>('GET', apiPath);
    if (response.status !== 200) {
      throw new Error(`GET ${apiPath}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
    }
    return response.body;
  }

  /** The same server with another bearer token. */
  as(token: string): KubeApi {
    return new KubeApi(this.url, token, this.ca);
  }

  close(): void {
    this.agent.destroy();
  }
}
