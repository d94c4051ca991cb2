/**
 * The admin endpoint on the proxy's own port: `GET|PUT|POST|DELETE /__faults` (the rules) and `GET /__faults/stats`
 * (requests seen, per rule and in total). It answers loopback clients that send the admin token given at start, and
 * nobody else, so the clients under test (which carry apiserver credentials) cannot change faults by accident.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Faults, FaultRule, PROXY_FAULT_TYPES, validateFault } from './rules';
import { sendStatus } from './forward';
import type { KubeStatus } from './statuses';

export const ADMIN_PATH = '/__faults';
const MAX_BODY = 1024 * 1024;

export const isAdminPath = (path: string) => path === ADMIN_PATH || path.startsWith(`${ADMIN_PATH}/`);

const refusal = (code: number, reason: string, message: string): KubeStatus => ({ code, reason, message, details: {} });

export function isLoopback(address: string | undefined): boolean {
  return !!address && (/^(::ffff:)?127\./.test(address) || address === '::1');
}

function hasToken(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Rules from an admin request body: a list, `{ "rules": [...] }`, or one rule. Errors name the rule and the fix. */
export function rulesFromBody(text: string): FaultRule[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new Error(`the body is not JSON (${(error as Error).message}); send a JSON list of rules`);
  }
  const rules = body as { rules?: unknown };
  const incoming: unknown[] = Array.isArray(body) ? body : Array.isArray(rules?.rules) ? rules.rules : [body];
  return incoming.map((rule, i) => validateFault(rule, `rule ${i}`, PROXY_FAULT_TYPES));
}

async function readText(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_BODY) {
      throw new Error(`the body is larger than ${MAX_BODY} bytes`);
    }
  }
  return text;
}

export async function handleAdmin(
  faults: Faults,
  adminToken: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string
): Promise<void> {
  const ok = (body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
  };
  if (!isLoopback(req.socket.remoteAddress)) {
    req.resume();
    return sendStatus(res, refusal(403, 'Forbidden', `fault-proxy: ${ADMIN_PATH} answers loopback clients only`));
  }
  if (!hasToken(req.headers.authorization, adminToken)) {
    req.resume();
    return sendStatus(
      res,
      refusal(
        401,
        'Unauthorized',
        `fault-proxy: ${ADMIN_PATH} needs the admin token the proxy was started with (adminToken / --admin-token): send "Authorization: Bearer <token>"`
      )
    );
  }
  if (path === `${ADMIN_PATH}/stats` && req.method === 'GET') {
    return ok(faults.stats());
  }
  if (path !== ADMIN_PATH) {
    return sendStatus(
      res,
      refusal(404, 'NotFound', `fault-proxy: no ${path}; the admin paths are ${ADMIN_PATH} and ${ADMIN_PATH}/stats`)
    );
  }
  switch (req.method) {
    case 'GET':
      return ok({ rules: faults.rules });
    case 'PUT':
    case 'POST': {
      let rules: FaultRule[];
      try {
        rules = rulesFromBody(await readText(req));
      } catch (error) {
        return sendStatus(res, refusal(400, 'BadRequest', `fault-proxy: ${(error as Error).message}`));
      }
      if (req.method === 'PUT') {
        faults.replace(rules);
      } else {
        faults.append(rules);
      }
      return ok({ rules: faults.rules });
    }
    case 'DELETE':
      faults.clear();
      return ok({ rules: [] });
    default:
      return sendStatus(
        res,
        refusal(
          405,
          'MethodNotAllowed',
          `fault-proxy: ${ADMIN_PATH} takes GET, PUT (replace), POST (add) or DELETE (clear)`
        )
      );
  }
}
