/**
 * UTC day (`YYYY-MM-DD`) of an instant: the `day` component of a by-entity-and-day partition key
 * (a CQL `date`), so a day's partition never depends on the writer's time zone.
 *
 * @example utcDay(new Date('2026-03-29T00:30:00+02:00')) // '2026-03-28'
 */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
