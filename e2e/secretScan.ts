import fs from 'node:fs';
import path from 'node:path';

// Certificates are public; every other secureJsonData value (token, client key, passwords) is a secret.
const PUBLIC_SECURE_FIELDS = new Set(['tlsCACert', 'tlsClientCert']);
// Shorter values ('not-the-token') could turn up by chance in any text; real tokens and keys are far longer.
const MIN_SECRET_LENGTH = 16;

/**
 * The run-wide leak scan (issue 15): every secret the run hands the sandbox (the testbed's service-account token and
 * each datasource's secureJsonData) is looked for in every response, console line and page of every test, in the
 * runner's own output (the sandbox runs in this process and logs there) and in the log files of the stack. A finding
 * names the place, never the secret.
 */
export class SecretScan {
  private readonly secrets = new Set<string>();
  private findings: string[] = [];

  addSecret(value: unknown): void {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) {
      this.secrets.add(value);
    }
  }

  addDatasourceSecrets(settings: Record<string, unknown>): void {
    const secure = (settings.secureJsonData ?? {}) as Record<string, unknown>;
    for (const [field, value] of Object.entries(secure)) {
      if (!PUBLIC_SECURE_FIELDS.has(field)) {
        this.addSecret(value);
      }
    }
  }

  check(where: string, text: string): void {
    for (const secret of this.secrets) {
      if (text.includes(secret)) {
        this.findings.push(where);
        return;
      }
    }
  }

  /** A log file, or every file under a folder of logs. */
  checkLogs(location: string): void {
    const files = fs.statSync(location).isDirectory()
      ? fs
          .readdirSync(location, { withFileTypes: true, recursive: true })
          .filter((entry) => entry.isFile())
          .map((entry) => path.join(entry.parentPath, entry.name))
      : [location];
    for (const file of files) {
      this.check(`log file ${path.relative(process.cwd(), file)}`, fs.readFileSync(file, 'utf8'));
    }
  }

  /** Scans what this process writes to stdout and stderr from now on. */
  watchOutput(): void {
    for (const [name, stream] of [
      ['stdout', process.stdout],
      ['stderr', process.stderr],
    ] as const) {
      const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.check(`the runner's ${name}`, typeof chunk === 'string' ? chunk : String(chunk));
        return write(chunk, ...rest);
      }) as typeof stream.write;
    }
  }

  /** The places found since the last call, each once. */
  takeFindings(): string[] {
    const found = [...new Set(this.findings)];
    this.findings = [];
    return found;
  }
}
