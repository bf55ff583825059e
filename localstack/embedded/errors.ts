/** Errors of the embedded stack. Each carries a code and says how to fix the problem. */

/** Why the stack could not do what was asked. */
export type StackErrorCode =
  | 'JAVA_MISSING'
  | 'JAVA_TOO_OLD'
  | 'MAVEN_MISSING'
  | 'ARTIFACT_UNRESOLVED'
  | 'PORT_IN_USE'
  | 'UNHEALTHY'
  | 'BROKER_COUNT_MISMATCH'
  | 'PROCESS_EXITED';

/**
 * A stack failure meant for a person: `message` says what happened and what to do.
 *
 * @example
 * throw new StackError('PORT_IN_USE', 'Port 9092 is used by java (pid 42). Stop it or set KAFKA_BROKERS.');
 */
export class StackError extends Error {
  override readonly name = 'StackError';
  constructor(
    readonly code: StackErrorCode,
    message: string,
  ) {
    super(message);
  }
}
