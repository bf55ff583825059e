/** JVM options shared by the embedded components. */
import { PROCESS_MARKER } from './process.ts';

/**
 * Common JVM flags: heap, G1, headless, and the marker that lets the stack recognise its pid.
 *
 * @example
 * baseJvmOptions('kafka-1', '512m') // ['-Xms512m', '-Xmx512m', …, '-Dorion.process=kafka-1']
 */
export function baseJvmOptions(processName: string, heap: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+PerfDisableSharedMem',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    '-Djava.net.preferIPv4Stack=true',
    `${PROCESS_MARKER}${processName}`,
  ];
}
