import t from 'tap'
import {
  createHolidayCalendar,
  type HolidayRow,
  loadHolidayCalendar,
  parseHolidayCsv,
  stopsClock,
} from '../../../src/modules/deadlines/holiday-calendar.js'
import { compileHoliday } from '../../../src/modules/deadlines/holiday-rules.js'
import { HOLIDAY_ROWS, HOLIDAYS, law } from './fixtures/deadline-fixtures.js'

function row(overrides: Partial<HolidayRow>): HolidayRow {
  return {
    jurisdictionCode: 'WA',
    holidayName: 'Test Day',
    rule: 'fixed 03-10',
    observance: 'none',
    statute: 'Test Code 1',
    confidence: 'high',
    source: '',
    notes: '',
    ...overrides,
  }
}

t.test('every row of the real table parses and compiles', async (t) => {
  t.equal(HOLIDAY_ROWS.length, 619, 'the row count state-holidays.md gives')
  const codes = new Set(HOLIDAY_ROWS.map((r) => r.jurisdictionCode))
  t.equal(codes.size, 52, '50 states, DC and US')
  for (const r of HOLIDAY_ROWS) {
    t.doesNotThrow(() => law(r.jurisdictionCode), `${r.jurisdictionCode} has a records law`)
    const holiday = compileHoliday(r.rule, r.observance)
    const dates = [2024, 2025, 2026, 2027, 2028, 2029].flatMap((year) => holiday.datesIn(year))
    if (r.rule === 'proclaimed') t.same(dates, [], `${r.jurisdictionCode} ${r.holidayName} has no computable date`)
    else t.ok(dates.length > 0, `${r.jurisdictionCode} ${r.holidayName} (${r.rule}) falls in 2024-2029`)
    t.doesNotThrow(() => stopsClock(r), `${r.jurisdictionCode} ${r.holidayName}: known notes tag`)
  }
  for (const code of codes) {
    const closures = HOLIDAYS.closuresIn(code, 2026)
    t.ok(closures.size >= 7 && closures.size <= 16, `${code} closes on a plausible number of days in 2026 (${closures.size})`)
  }
})

t.test('loadHolidayCalendar reads data/state-holidays.csv by default', async (t) => {
  const loaded = await loadHolidayCalendar()
  t.same([...loaded.closuresIn('WA', 2026)], [...HOLIDAYS.closuresIn('WA', 2026)])
})

t.test('a Washington year: reasons name the holiday and the statute', async (t) => {
  t.same(Object.fromEntries(HOLIDAYS.closuresIn('WA', 2026)), {
    '2026-01-01': "New Year's Day (RCW 1.16.050)", // Thursday
    '2026-01-19': 'Martin Luther King Jr. Day (RCW 1.16.050)', // 3rd Monday
    '2026-02-16': "Presidents' Day (RCW 1.16.050)", // 3rd Monday
    '2026-05-25': 'Memorial Day (RCW 1.16.050)', // last Monday
    '2026-06-19': 'Juneteenth (RCW 1.16.050)', // Friday
    '2026-07-03': 'Independence Day (RCW 1.16.050)', // July 4 is a Saturday → Friday
    '2026-09-07': 'Labor Day (RCW 1.16.050)', // 1st Monday
    '2026-11-11': "Veterans' Day (RCW 1.16.050)", // Wednesday
    '2026-11-26': 'Thanksgiving Day (RCW 1.16.050)', // 4th Thursday
    '2026-11-27': 'Native American Heritage Day (RCW 1.16.050)', // the day after
    '2026-12-25': 'Christmas Day (RCW 1.16.050)', // Friday
  })
})

t.test('observed dates that cross New Year belong to the year they fall in', async (t) => {
  // January 1, 2022 and January 1, 2028 are Saturdays: observed Friday, December 31.
  t.equal(HOLIDAYS.closuresIn('WA', 2021).get('2021-12-31'), "New Year's Day (RCW 1.16.050)")
  t.equal(HOLIDAYS.closuresIn('US', 2027).get('2027-12-31'), "New Year's Day (5 U.S.C. 6103)")
  t.equal(HOLIDAYS.closuresIn('US', 2027).get('2027-12-24'), 'Christmas Day (5 U.S.C. 6103)', 'Dec 25, 2027 is a Saturday')
  for (const code of ['WA', 'US', 'IL']) {
    const closures = HOLIDAYS.closuresIn(code, 2022)
    t.notOk(closures.has('2022-01-01'), `${code}: no closure on Saturday, January 1, 2022`)
    t.ok(
      [...closures.keys()].every((date) => date.startsWith('2022-')),
      `${code}: every 2022 closure is in 2022`,
    )
  }
  // Rhode Island moves a Saturday holiday to the Monday after, Texas not at all.
  t.equal(HOLIDAYS.closuresIn('RI', 2028).get('2028-01-03'), "New Year's Day (R.I. Gen. Laws 25-1-1)")
  t.notOk(HOLIDAYS.closuresIn('RI', 2027).has('2027-12-31'))
  t.notOk(HOLIDAYS.closuresIn('TX', 2027).has('2027-12-31'))
  t.equal(HOLIDAYS.closuresIn('TX', 2028).get('2028-01-01'), "New Year's Day (Tex. Gov't Code 662.003-662.004)", 'kept on the Saturday')
})

t.test('offices-open holidays stop the clock only where the records law counts legal holidays', async (t) => {
  // Texas Gov't Code 552.0031: skeleton-crew state holidays are not PIA business days.
  t.equal(HOLIDAYS.closuresIn('TX', 2026).get('2026-03-02'), "Texas Independence Day (Tex. Gov't Code 662.003-662.004)") // Monday
  t.equal(HOLIDAYS.closuresIn('TX', 2026).get('2026-04-21'), "San Jacinto Day (Tex. Gov't Code 662.003-662.004)") // Tuesday
  t.equal(HOLIDAYS.closuresIn('TX', 2026).get('2026-08-27'), "Lyndon Baines Johnson Day (Tex. Gov't Code 662.003-662.004)") // Thursday
  // Michigan AG Op. 7172: MCL 435.101 holidays are not FOIA business days even where offices open.
  t.equal(HOLIDAYS.closuresIn('MI', 2026).get('2026-02-12'), "Lincoln's Birthday (MCL 435.101)") // Thursday
  t.equal(HOLIDAYS.closuresIn('MI', 2026).get('2026-10-12'), 'Columbus Day (MCL 435.101)') // Monday
  // Elsewhere offices-open days are ordinary business days.
  t.notOk(HOLIDAYS.closuresIn('NY', 2026).has('2026-02-12'), "NY Lincoln's Birthday (Thursday)")
  t.notOk(HOLIDAYS.closuresIn('NY', 2026).has('2026-11-03'), 'NY Election Day (Tuesday)')
  t.notOk(HOLIDAYS.closuresIn('NH', 2026).has('2026-10-12'), 'NH Columbus Day (Monday)')
  t.notOk(HOLIDAYS.closuresIn('NH', 2026).has('2026-11-03'), 'NH biennial election day (Tuesday)')
  t.notOk(HOLIDAYS.closuresIn('RI', 2026).has('2026-02-16'), "RI Washington's Birthday (Monday)")

  const officesOpen = { rule: 'fixed 03-10', notes: '[offices open] statutory holiday' }
  t.ok(stopsClock(row({ ...officesOpen, jurisdictionCode: 'TX' })))
  t.ok(stopsClock(row({ ...officesOpen, jurisdictionCode: 'MI' })))
  t.notOk(stopsClock(row({ ...officesOpen, jurisdictionCode: 'WA' })))
  t.notOk(stopsClock(row({ jurisdictionCode: 'NY', notes: '[offices open - most units] floating holiday' })))
})

t.test('half days and regional holidays do not stop the clock statewide', async (t) => {
  t.notOk(HOLIDAYS.closuresIn('KY', 2026).has('2026-04-03'), 'KY Good Friday half day (Friday)')
  t.notOk(HOLIDAYS.closuresIn('ND', 2026).has('2026-12-24'), 'ND Christmas Eve afternoon (Thursday)')
  t.notOk(HOLIDAYS.closuresIn('AL', 2026).has('2026-02-17'), 'AL Mardi Gras, Baldwin and Mobile Counties (Tuesday)')
  t.notOk(HOLIDAYS.closuresIn('DE', 2026).has('2026-11-05'), 'DE Return Day, Sussex County afternoon (Thursday)')
  t.ok(HOLIDAYS.closuresIn('DE', 2026).has('2026-11-03'), 'but DE general election day closes (Tuesday)')
  t.notOk(stopsClock(row({ notes: '[half day] Offices close at noon' })))
  t.notOk(stopsClock(row({ notes: '[regional - half day] one county' })))
  t.ok(stopsClock(row({ notes: 'Ordinary note [not a tag]' })))
})

t.test('federal Inauguration Day is regional; the DC government closes', async (t) => {
  t.equal(HOLIDAYS.closuresIn('DC', 2033).get('2033-01-20'), 'Inauguration Day (D.C. Code 1-612.02)') // Thursday
  t.notOk(HOLIDAYS.closuresIn('US', 2033).has('2033-01-20'))
})

t.test('proclaimed days are skipped; fixed days with proclaimed observance stay on their date', async (t) => {
  const reasons = [2024, 2025, 2026].flatMap((year) => [
    ...HOLIDAYS.closuresIn('GA', year).values(),
    ...HOLIDAYS.closuresIn('KY', year).values(),
    ...HOLIDAYS.closuresIn('WV', year).values(),
  ])
  for (const name of ["Washington's Birthday (observed)", "New Year's extra day", 'Christmas extra day', 'Primary Election Day']) {
    t.notOk(
      reasons.some((reason) => reason.startsWith(`${name} (`)),
      `no date for ${name}`,
    )
  }
  t.ok(
    reasons.some((reason) => reason.startsWith('Thanksgiving extra day (')),
    'a computable KY extra day is kept',
  )
  t.equal(HOLIDAYS.closuresIn('MI', 2026).get('2026-12-24'), 'Christmas Eve (MCL 435.101)') // Thursday
  t.equal(HOLIDAYS.closuresIn('NC', 2026).get('2026-12-24'), 'Christmas (day 1) (N.C.G.S. 126-4(5),(5a))') // Thursday
})

t.test('two holidays on one day keep both reasons', async (t) => {
  t.equal(
    HOLIDAYS.closuresIn('TX', 2026).get('2026-01-19'),
    "Confederate Heroes Day (Tex. Gov't Code 662.003-662.004); Martin Luther King, Jr., Day (Tex. Gov't Code 662.003-662.004)",
  )
})

t.test('closuresIn is memoised per jurisdiction and year', async (t) => {
  t.equal(HOLIDAYS.closuresIn('WA', 2026), HOLIDAYS.closuresIn('WA', 2026))
  t.not(HOLIDAYS.closuresIn('WA', 2026), HOLIDAYS.closuresIn('WA', 2027))
  t.throws(() => HOLIDAYS.closuresIn('XX', 2026), { message: /"XX"/ })
})

t.test('a table outside the grammar fails at load, naming the row', async (t) => {
  t.throws(() => createHolidayCalendar([row({ holidayName: 'Odd Day', rule: 'nth 5 MON 01' })]), {
    message: 'state-holidays.csv WA "Odd Day": Unknown holiday rule "nth 5 MON 01"',
  })
  t.throws(() => createHolidayCalendar([row({ observance: 'sat->thu' })]), {
    message: /WA "Test Day": Unknown holiday observance "sat->thu"/,
  })
  t.throws(() => createHolidayCalendar([row({ notes: '[closed maybe] unclear' })]), { message: /Unknown notes tag \[closed maybe\]/ })
})

t.test('parseHolidayCsv maps columns and rejects malformed rows', async (t) => {
  const header = 'jurisdiction_code,holiday_name,rule,observance,statute,confidence,source,notes\n'
  t.same(parseHolidayCsv(`${header}WA,Labor Day,nth 1 MON 09,none,RCW 1.16.050,high,https://example.org,\n`), [
    {
      jurisdictionCode: 'WA',
      holidayName: 'Labor Day',
      rule: 'nth 1 MON 09',
      observance: 'none',
      statute: 'RCW 1.16.050',
      confidence: 'high',
      source: 'https://example.org',
      notes: '',
    },
  ])
  t.throws(() => parseHolidayCsv(`${header}Washington,Labor Day,nth 1 MON 09,none,RCW 1.16.050,high,,\n`), { message: /line 2/ })
  t.throws(() => parseHolidayCsv(`${header}WA,,nth 1 MON 09,none,RCW 1.16.050,high,,\n`), { message: /line 2/ })
})
