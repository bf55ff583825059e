import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../bin/commands/table.ts';
import { formatTopicListing } from '../../../bin/commands/topics.ts';

describe('formatTable', () => {
  it('pads each column to its widest cell, two spaces apart, without trailing blanks', () => {
    expect(
      formatTable([
        ['TOPIC', 'PARTITIONS', 'NOTE'],
        ['cdr.validated', '12', ''],
        ['cdr.dlq', '2', 'ok'],
      ]),
    ).toBe(
      ['TOPIC          PARTITIONS  NOTE', 'cdr.validated  12', 'cdr.dlq        2           ok'].join('\n'),
    );
  });

  it('lays out the topics listing with it', () => {
    const text = formatTopicListing([
      {
        name: 'cdr.dlq',
        partitions: 2,
        replicationFactor: 1,
        configs: { 'retention.ms': '1209600000' },
        inCatalog: true,
        drift: [],
      },
    ] as unknown as Parameters<typeof formatTopicListing>[0]);
    const [header, row] = text.split('\n');
    expect(header).toBe('TOPIC    PARTITIONS  RF  RETENTION.MS  CLEANUP  COMPRESSION  MIN.ISR  CATALOG');
    expect(row).toBe('cdr.dlq  2           1   1209600000    -        -            -        ok');
  });
});
