/**
 * The LZ4 compression codec for kafkajs, which ships none: Kafka's LZ4 record batches are LZ4
 * *frames* (magic `04 22 4D 18`), which `lz4-napi`'s frame functions read and write.
 *
 * `lz4-napi` is a native addon, so it is loaded at the first LZ4 batch, not imported: the stage
 * handlers' esbuild bundles do not carry it, and in AWS they never need it (the event source
 * mapping decodes the batches it hands to Lambda, and ORION's producers write snappy; a topic
 * whose `compression.type` is `lz4` has the broker recompress). Locally the emulator, the CLI and
 * the tests consume LZ4 topics with it.
 */
import { createRequire } from 'node:module';
import { KafkaError } from './errors.ts';

/** The part of `lz4-napi` the codec uses. */
interface Lz4Frames {
  compressFrame(data: Buffer): Promise<Buffer>;
  decompressFrame(data: Buffer): Promise<Buffer>;
}

/** The module name, in a variable so that bundlers leave the native addon out. */
const LZ4_MODULE = 'lz4-napi';

let lz4: Lz4Frames | undefined;

function loadLz4(): Lz4Frames {
  if (lz4) return lz4;
  try {
    lz4 = createRequire(import.meta.url)(LZ4_MODULE) as Lz4Frames;
    return lz4;
  } catch (error) {
    throw new KafkaError(
      'LZ4_UNAVAILABLE',
      `an LZ4-compressed batch needs the "${LZ4_MODULE}" package (npm ci installs it): ${(error as Error).message}`,
    );
  }
}

/** What kafkajs hands a codec: the encoder's buffer holds the bytes to compress. */
interface KafkajsEncoder {
  readonly buffer: Buffer;
}

/**
 * The codec factory to register as `CompressionCodecs[CompressionTypes.LZ4]`.
 * @example CompressionCodecs[CompressionTypes.LZ4] = Lz4Codec;
 */
export function Lz4Codec() {
  return {
    async compress(encoder: KafkajsEncoder): Promise<Buffer> {
      return loadLz4().compressFrame(encoder.buffer);
    },
    async decompress(buffer: Buffer): Promise<Buffer> {
      return loadLz4().decompressFrame(buffer);
    },
  };
}
