/**
 * Turns a `CdrRejection` thrown by domain code into a reject outcome; other errors propagate
 * (the runtime reports them as transient failures).
 */
import type { ZodError } from 'zod';
import { type Outcome, reject } from '../../runtime/outcome.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { CdrRejection } from '../rejection.ts';

/**
 * Runs `produce`, mapping a `CdrRejection` to `reject(reason, message)`.
 * @example outcomeOf(() => forward(TOPIC.validated, key, json))
 */
export function outcomeOf(produce: () => Outcome): Outcome {
  try {
    return produce();
  } catch (error) {
    if (error instanceof CdrRejection) return reject(error.reason, error.message);
    throw error;
  }
}

/**
 * A SCHEMA_VIOLATION rejection naming the offending paths only (never the values, which may be
 * IMSIs or MSISDNs).
 * @example schemaViolation('validated CDR', result.error)
 */
export function schemaViolation(what: string, error: ZodError): CdrRejection {
  const paths = [...new Set(error.issues.map((issue) => issue.path.join('.') || '(root)'))].slice(0, 10);
  return new CdrRejection(
    REJECT_REASON.SCHEMA_VIOLATION,
    `${what} does not match its schema at: ${paths.join(', ')}`,
  );
}
