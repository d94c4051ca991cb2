/**
 * Bearer-token authentication. Tokens come from a file in kube-apiserver's --token-auth-file format
 * (`token,user,uid,"group1,group2"`), or by default: an admin token and one token per ServiceAccount in the RBAC files.
 */
import { readFileSync } from 'node:fs';
import { UserInfo, serviceAccountUser, ServiceAccountRef } from './rbac';

export const ADMIN_USER = 'admin';
export const DEFAULT_ADMIN_TOKEN = 'kubeatlas-sim-admin-token';

/** The default, documented token of a ServiceAccount (the simulator is a test fixture, not a secret store). */
export function defaultServiceAccountToken(sa: ServiceAccountRef): string {
  return `kubeatlas-sim-sa-${sa.namespace}-${sa.name}`;
}

export class TokenAuthenticator {
  private readonly users = new Map<string, UserInfo>();

  static defaults(serviceAccounts: ServiceAccountRef[]): TokenAuthenticator {
    const auth = new TokenAuthenticator();
    auth.add(DEFAULT_ADMIN_TOKEN, { name: ADMIN_USER, groups: ['system:masters', 'system:authenticated'] });
    for (const sa of serviceAccounts) {
      auth.add(defaultServiceAccountToken(sa), serviceAccountUser(sa.namespace, sa.name));
    }
    return auth;
  }

  /** Parses a token file; throws naming the file and line when it is malformed. */
  static fromFile(file: string): TokenAuthenticator {
    const auth = new TokenAuthenticator();
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (!line.trim() || line.trim().startsWith('#')) {
        return;
      }
      const fields = parseCsvLine(line);
      if (fields.length < 2 || !fields[0] || !fields[1]) {
        throw new Error(`tokens file ${file}: line ${index + 1}: expected token,user[,uid[,"group1,group2"]]`);
      }
      const [token, name, , groupList] = fields;
      const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
      const user = match ? serviceAccountUser(match[1], match[2]) : { name, groups: ['system:authenticated'] };
      const groups = groupList
        ? groupList
            .split(',')
            .map((g) => g.trim())
            .filter(Boolean)
        : [];
      auth.add(token, { name, groups: [...new Set([...groups, ...user.groups])] });
    });
    return auth;
  }

  add(token: string, user: UserInfo): void {
    this.users.set(token, user);
  }

  authenticate(authorization: string | undefined): UserInfo | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    return match ? this.users.get(match[1]) : undefined;
  }

  tokenOf(userName: string): string | undefined {
    for (const [token, user] of this.users) {
      if (user.name === userName) {
        return token;
      }
    }
    return undefined;
  }

  /** The identity of a known user; otherwise a plain authenticated user of that name. */
  userOf(userName: string): UserInfo {
    return (
      [...this.users.values()].find((u) => u.name === userName) ?? { name: userName, groups: ['system:authenticated'] }
    );
  }

  userNames(): string[] {
    return [...new Set([...this.users.values()].map((u) => u.name))];
  }
}

function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of line.trim()) {
    if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}
