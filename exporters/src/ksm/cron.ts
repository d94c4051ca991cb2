/** The cron schedule arithmetic behind kube_cronjob_next_schedule_time and _schedule_invalid. */
/** Next firing of a 5-field cron schedule (minute hour day-of-month month day-of-week, UTC) strictly after `fromMs`. */
export function nextCronTime(schedule: string, fromMs: number): number | undefined {
  const fields = schedule.trim().split(/\s+/);
  const ranges: Array<[number, number]> = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 6],
  ];
  if (fields.length !== 5) {
    return undefined;
  }
  const sets: Array<Set<number>> = [];
  for (let i = 0; i < 5; i++) {
    const allowed = cronField(fields[i], ranges[i][0], ranges[i][1]);
    if (!allowed) {
      return undefined;
    }
    sets.push(allowed);
  }
  // cron fires on either day field when both are restricted, on the restricted one otherwise.
  const dayRestricted = [fields[2] !== '*', fields[4] !== '*'];
  const dayMatches = (t: Date) =>
    dayRestricted[0] && dayRestricted[1]
      ? sets[2].has(t.getUTCDate()) || sets[4].has(t.getUTCDay())
      : sets[2].has(t.getUTCDate()) && sets[4].has(t.getUTCDay());
  const t = new Date(Math.floor(fromMs / 60000) * 60000 + 60000);
  const limit = fromMs + 5 * 366 * 24 * 3600 * 1000;
  while (t.getTime() < limit) {
    if (!sets[3].has(t.getUTCMonth() + 1) || !dayMatches(t)) {
      t.setUTCHours(24, 0, 0, 0);
    } else if (!sets[1].has(t.getUTCHours())) {
      t.setUTCMinutes(60, 0, 0);
    } else if (!sets[0].has(t.getUTCMinutes())) {
      t.setTime(t.getTime() + 60000);
    } else {
      return t.getTime();
    }
  }
  return undefined;
}

function cronField(field: string, min: number, max: number): Set<number> | undefined {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) {
      return undefined;
    }
    const start = match[1] === '*' ? min : Number(match[2]);
    const end = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] ? max : start;
    const step = match[4] ? Number(match[4]) : 1;
    if (start < min || end > max || start > end || step < 1) {
      return undefined;
    }
    for (let v = start; v <= end; v += step) {
      values.add(v);
    }
  }
  return values;
}
