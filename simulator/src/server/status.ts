/** metav1.Status error bodies, with the reasons and message formats of the kube-apiserver. */
import {
  KubeStatus,
  tooManyRequestsStatus,
  unauthorizedStatus,
  unavailableStatus,
} from '../../../testbed/fault-proxy/src/statuses';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason?: string; message: string; field?: string }>;
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    readonly headers: Record<string, string> = {}
  ) {
    super(message);
  }

  toStatus(): object {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** The fault proxy's Status (shared wording for 401, 403, 429, 503 and injected faults) as an ApiError. */
export const fromStatus = (status: KubeStatus) =>
  new ApiError(status.code, status.reason, status.message, status.details, status.headers);

const qualified = (resource: string, group: string) => (group ? `${resource}.${group}` : resource);

export const errors = {
  notFound: (resource: string, group: string, name: string) =>
    new ApiError(404, 'NotFound', `${qualified(resource, group)} "${name}" not found`, {
      name,
      group: group || undefined,
      kind: resource,
    }),
  pathNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  methodNotAllowed: (verb: string, resource: string) =>
    new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, {
      kind: resource,
      causes: [{ message: `${verb} is not supported` }],
    }),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  invalid: (kind: string, name: string, group: string, field: string, message: string) =>
    new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${field}: ${message}`, {
      name,
      group: group || undefined,
      kind,
      causes: [{ reason: 'FieldValueInvalid', message, field }],
    }),
  unsupportedMediaType: (contentType: string, accepted: string[]) =>
    new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      { causes: [{ reason: 'UnsupportedMediaType', message: `unsupported media type "${contentType}"` }] }
    ),
  unauthorized: () => fromStatus(unauthorizedStatus()),
  expired: () =>
    new ApiError(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'
    ),
  gone: (rv: number | string) => new ApiError(410, 'Expired', `too old resource version: ${rv}`),
  tooManyRequests: (retryAfter: number) => fromStatus(tooManyRequestsStatus(retryAfter)),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`),
  unavailable: () => fromStatus(unavailableStatus()),
};
