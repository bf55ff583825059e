import { describe, expect, it } from 'vitest';
import { pipelineReferenceOf, resolvePipelineReference } from '../../../localstack/esm/pipeline-reference.ts';
import { PipelineError } from '../../../shared/pipeline/errors.ts';
import { pipelineNamed } from '../../../shared/pipelines.ts';
import { TOY_PIPELINE, TOY_PIPELINE_MODULE } from '../../fixtures/toy-pipeline/pipeline.ts';

describe('pipeline references', () => {
  it('names a registered pipeline and resolves it to the same definition', async () => {
    const cdr = pipelineNamed('cdr');
    expect(pipelineReferenceOf(cdr)).toEqual({ name: 'cdr' });
    expect(await resolvePipelineReference({ name: 'cdr' })).toBe(cdr);
  });

  it('refuses an unregistered pipeline without its module, and imports it with one', async () => {
    expect(() => pipelineReferenceOf(TOY_PIPELINE)).toThrow(PipelineError);
    // A copy of a registered definition is not the registered one: a worker would run the wrong one.
    expect(() => pipelineReferenceOf({ ...pipelineNamed('cdr') })).toThrow(/not in shared\/pipelines\.ts/);
    const reference = pipelineReferenceOf(TOY_PIPELINE, TOY_PIPELINE_MODULE);
    expect((await resolvePipelineReference(reference)).stages.map((s) => s.name)).toEqual([
      'forward',
      'reject',
    ]);
  });

  it('says which export is missing', async () => {
    await expect(
      resolvePipelineReference({ module: { ...TOY_PIPELINE_MODULE, exportName: 'NOPE' } }),
    ).rejects.toThrow(/does not export a pipeline definition "NOPE"/);
    expect(() => pipelineReferenceOf(TOY_PIPELINE, { path: 'relative.ts', exportName: 'X' })).toThrow(
      /absolute/,
    );
  });
});
