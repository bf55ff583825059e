/**
 * Manual X-Ray subsegments through Powertools Tracer, the one way ORION's functions open one:
 * getSegment, addNewSubsegment on it, setSegment, then close it and restore the parent (the
 * Tracer API, https://docs.aws.amazon.com/powertools/typescript/latest/api/modules/_aws-lambda-powertools_tracer.html).
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';

/** What {@link inSubsegment} needs of a Tracer (a real one, or a test double). */
export type SubsegmentTracer = Pick<Tracer, 'isTracingEnabled' | 'getSegment' | 'setSegment'>;

/** The subsegment {@link inSubsegment} opened. */
export type Subsegment = ReturnType<NonNullable<ReturnType<Tracer['getSegment']>>['addNewSubsegment']>;

/**
 * Runs `fn` in a new subsegment `name` of the current segment, recording its error and closing it
 * whatever happens; runs `fn(undefined)` as is when tracing is disabled (outside Lambda) or there
 * is no segment, so nothing else calls the X-Ray SDK then.
 *
 * @example await inSubsegment(tracer, '### kafka produce', () => producer.send(records));
 */
export async function inSubsegment<T>(
  tracer: SubsegmentTracer | undefined,
  name: string,
  fn: (subsegment: Subsegment | undefined) => Promise<T>,
): Promise<T> {
  if (!tracer?.isTracingEnabled()) return fn(undefined);
  const parent = tracer.getSegment();
  if (!parent) return fn(undefined);
  const subsegment = parent.addNewSubsegment(name);
  tracer.setSegment(subsegment);
  try {
    return await fn(subsegment);
  } catch (error) {
    subsegment.addError(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}
