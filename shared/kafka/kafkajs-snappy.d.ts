/** Types for `kafkajs-snappy` (ships none): a kafkajs compression codec factory. */
declare module 'kafkajs-snappy' {
  import type { Codec } from 'kafkajs';

  const SnappyCodec: () => ReturnType<Codec>;
  export default SnappyCodec;
}
