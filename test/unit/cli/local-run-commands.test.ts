/**
 * Option parsing of the local-run commands: `orion load` (speed, gap, batch, layout choice and
 * its errors) and the commerce module's own options as `orion start` / `orion generate` register
 * and forward them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettingsOf, parseSpeed } from '../../../bin/commands/load.ts';
import {
  localRunOptionValues,
  pipelineNameInArgs,
  withLocalRunOptions,
} from '../../../bin/commands/local-run-options.ts';
import { datasetFor, firstLineOf } from '../../../localstack/load/load-dataset.ts';
import { loadLocalRunModule } from '../../../localstack/load/local-run-module.ts';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import { COMMERCE_PIPELINE } from '../../../shared/commerce/pipeline.ts';

const dir = mkdtempSync(join(tmpdir(), 'orion-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('orion load options', () => {
  it('parses --speed as a positive multiplier or max', () => {
    expect(parseSpeed('10')).toBe(10);
    expect(parseSpeed('100x')).toBe(100);
    expect(parseSpeed('0.5')).toBe(0.5);
    expect(parseSpeed('MAX')).toBe('max');
    for (const bad of ['0', '-2', 'fast', '']) expect(() => parseSpeed(bad)).toThrow(/--speed must be/);
  });

  it('checks --max-gap-ms and --batch-size', () => {
    expect(loadSettingsOf({ pipeline: 'commerce', speed: 'max' })).toEqual({ speed: 'max' });
    expect(loadSettingsOf({ pipeline: 'commerce', speed: '10', maxGapMs: '5000', batchSize: '500' })).toEqual(
      {
        speed: 10,
        maxGapMs: 5000,
        batchSize: 500,
      },
    );
    expect(() => loadSettingsOf({ pipeline: 'commerce', speed: '1', batchSize: '0' })).toThrow(
      /--batch-size/,
    );
    expect(() => loadSettingsOf({ pipeline: 'commerce', speed: '1', maxGapMs: '1.5' })).toThrow(
      /--max-gap-ms/,
    );
  });

  it('picks the layout from --format, else from the file, and says why it cannot', async () => {
    const commerce = await loadLocalRunModule(COMMERCE_PIPELINE);
    const csv = file(
      'dump.txt',
      '\ntimestamp,visitorid,event,itemid,transactionid\n1433221332117,1,view,2,\n',
    );
    expect(firstLineOf(csv)).toBe('timestamp,visitorid,event,itemid,transactionid');
    expect(datasetFor(COMMERCE_PIPELINE, commerce, csv).name).toBe('retail-rocket');
    expect(datasetFor(COMMERCE_PIPELINE, commerce, file('e.jsonl', '{"a":1}\n')).name).toBe('jsonl');
    expect(datasetFor(COMMERCE_PIPELINE, commerce, csv, 'jsonl').name).toBe('jsonl');
    expect(() => datasetFor(COMMERCE_PIPELINE, commerce, csv, 'parquet')).toThrow(
      /Unknown --format "parquet" for pipeline "commerce"; formats are: jsonl, retail-rocket/,
    );
    expect(() => datasetFor(COMMERCE_PIPELINE, commerce, file('notes.txt', 'hello\n'))).toThrow(
      /Cannot tell the layout of notes.txt; give --format \(jsonl, retail-rocket\)/,
    );
    const cdr = await loadLocalRunModule(CDR_PIPELINE);
    expect(() => datasetFor(CDR_PIPELINE, cdr, csv)).toThrow(
      /Pipeline "cdr" has no dataset loader: its local-run module \(.*shared\/cdr\/local-run\.ts\) declares no `datasets`/,
    );
  });
});

describe('the commerce module options on orion start / generate', () => {
  it('are registered and forwarded by attribute name, unset ones left to the module', async () => {
    const commerce = await loadLocalRunModule(COMMERCE_PIPELINE);
    expect(pipelineNameInArgs(['start', '--pipeline', 'commerce'])).toBe('commerce');
    expect(pipelineNameInArgs(['load', '--pipeline=commerce', 'x.csv'])).toBe('commerce');
    let parsed: Record<string, unknown> = {};
    const program = new Command().exitOverride();
    withLocalRunOptions(program.command('generate').option('--count <n>'), commerce).action((opts) => {
      parsed = opts;
    });
    await program.parseAsync(
      [
        'generate',
        '--count',
        '3000',
        '--fraud-customers',
        '8',
        '--event-rate',
        '50',
        '--fraud-patterns',
        'velocity',
      ],
      { from: 'user' },
    );
    expect(localRunOptionValues(commerce, parsed)).toEqual({
      eventRate: '50',
      fraudCustomers: '8',
      fraudPatterns: 'velocity',
      customers: undefined,
    });
    const load = commerce.createLoad({
      count: 100,
      rate: 0,
      invalidRatio: 0,
      seed: 1,
      options: localRunOptionValues(commerce, parsed),
    });
    expect(load.description).toContain('8 fraud customers [VELOCITY]');
    expect(load.description).toContain('event time 50/s');
  });
});
