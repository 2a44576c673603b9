import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { quartzToCron, structuredToQuartz } from './quartz-cron.js';

describe('quartzToCron', () => {
  it.each([
    ['0 0 12 * * ?', '0 12 * * *'],
    ['0 0 12 ? * *', '0 12 * * *'],
    ['0 15 10 ? * * *', '15 10 * * *'],
    ['0 30 */6 ? Jan Mon *', '30 */6 * 1 1'],
    ['0 01 05 ? APR,MAR,MAY FRI,MON,TUE *', '1 5 * 4,3,5 5,1,2'],
    ['0 0 8 ? * MON-FRI', '0 8 * * 1-5'],
    ['0 0 8 ? * 2-6', '0 8 * * 1-5'],
    ['0 0 8 ? * 1,7', '0 8 * * 0,6'],
    ['0 0 8 ? * SUN', '0 8 * * 0'],
    ['0 0 8 ? * */2', '0 8 * * */2'],
    ['0 0/15 * * * ?', '0-59/15 * * * *'],
    ['0 5/10 9-17 ? * MON-FRI', '5-59/10 9-17 * * 1-5'],
    ['0 0 0 1,15 * ?', '0 0 1,15 * *'],
    ['0 0 22-2 * * ?', '0 22-23,0-2 * * *'],
    ['0 0 9 ? * FRI-MON', '0 9 * * 5-6,0-1'],
    ['0 0 6 ? JUL-AUG WED', '0 6 * 7-8 3'],
    ['30 0 12 * * ?', '30 0 12 * * *'],
    ['*/10 * * * * ?', '*/10 * * * * *'],
    ['02 00 06,07,08 ? * * *', '2 0 6,7,8 * * *'],
  ])('%s → %s', (quartz, cron) => {
    const converted = quartzToCron(quartz);
    expect(converted).toEqual({ cron, problems: [] });
    // What pont's schedule check (croner) accepts.
    expect(() => new Cron(cron, { paused: true })).not.toThrow();
  });

  it.each([
    ['0 0 12 L * ?', /last day \(L\)/],
    ['0 0 12 LW * ?', /L/],
    ['0 0 12 15W * ?', /nearest weekday \(W\)/],
    ['0 0 12 ? * 6L', /last day/],
    ['0 0 12 ? * 6#3', /n-th weekday/],
    ['0 0 12 ? * MON#1', /n-th weekday/],
    ['0 0 6 ? * * 2010', /year "2010"/],
    ['0 0 6 ? * * 2024-2026', /year/],
    ['0 0 25 * * ?', /hours "25": "25" is out of range 0-23/],
    ['0 0 12 ? * 8', /day of week "8"/],
    ['0 0 12 ? FOO *', /month "FOO"/],
    ['0 0 12 * *', /expected 6 or 7 fields, got 5/],
    ['0 0 12 ? * FRI-MON/2', /wrapping range/],
    ['0 0/0 * * * ?', /invalid step/],
    ['0 0 12 1 * MON', /both set/],
  ])('%s cannot be represented', (quartz, problem) => {
    const converted = quartzToCron(quartz);
    expect(converted.cron).toBeUndefined();
    expect(converted.problems.join('; ')).toMatch(problem);
  });

  it('names every problem of an expression', () => {
    expect(quartzToCron('0 0 12 L * ? 2030').problems).toHaveLength(2);
  });
});

describe('structuredToQuartz', () => {
  it('builds the expression Rundeck derives from the structured form', () => {
    expect(
      structuredToQuartz({
        hour: '05',
        minute: '01',
        seconds: '0',
        month: 'APR,MAR,MAY',
        year: '*',
        dayOfWeek: 'FRI,MON,TUE',
      }),
    ).toBe('0 01 05 ? APR,MAR,MAY FRI,MON,TUE *');
    expect(structuredToQuartz({ hour: '6', minute: '0', dayOfMonth: '1' })).toBe('0 0 6 1 * ? *');
    expect(structuredToQuartz({})).toBe('0 0 0 ? * * *');
    expect(structuredToQuartz({ dayOfMonth: '?', dayOfWeek: '2-6' })).toBe('0 0 0 ? * 2-6 *');
  });
});
