/**
 * Fault injection: rules from flags (`--fault`) or the admin endpoint (`/__sim/faults`) that make matching requests
 * slow, fail, or break on the wire, so clients' error handling can be tested against a real HTTP stack. The rules, their
 * matching and their Status bodies are the fault proxy's (testbed/fault-proxy), so a test's rules mean the same against
 * the simulator and against a real apiserver behind the proxy.
 */
import type { FaultRule } from '../../../testbed/fault-proxy/src/rules';
import type { RequestAttributes } from '../../../testbed/fault-proxy/src/requestInfo';
import { faultStatus } from '../../../testbed/fault-proxy/src/statuses';
import { ApiError, fromStatus } from './status';

export { FAULT_TYPES, Faults, parseFaultFlag, validateFault } from '../../../testbed/fault-proxy/src/rules';
export type { FaultRule, FaultType } from '../../../testbed/fault-proxy/src/rules';

export function faultError(rule: FaultRule, userName: string, attributes: RequestAttributes): ApiError {
  return fromStatus(faultStatus(rule, userName, attributes));
}
