/**
 * Suggested redactions: the private people in a page's text (the residents in Neighbors posts and
 * footage-request logs), found by pattern and by the words around them. Officials (officers,
 * records staff) and agencies are left alone: their names and contacts are the public record.
 * Pure: text in, spans out. Measured on test/fixtures/pii by `npm run bench -- pii`.
 */

export const PII_KINDS = ['email', 'phone', 'address', 'plate', 'person'] as const
export type PiiKind = (typeof PII_KINDS)[number]

export interface PiiSpan {
  kind: PiiKind
  text: string
  /** UTF-16 offsets into the page text, end exclusive. */
  start: number
  end: number
}

const OFFICIAL_EMAIL_DOMAIN = /(\.gov|\.us|\.mil|police|sheriff|city|county|ring\.com|amazon\.com)[^@]*$/i
const OFFICIAL_CONTEXT =
  /\b(department|police|sheriff|division|office|officer|ofc\.|det\.|detective|deputy|sgt\.|sergeant|lt\.|lieutenant|captain|chief|records|dispatch|non-emergency|city hall|ring llc|neighbors by ring|santa monica|public records|mcso|rpd|apd|spd|pd|crimes|investigations|bureau|precinct|patrol)(?![a-z])/i
/** Words that make the data around them a resident's, whatever officials the passage names too. */
const PRIVATE_CONTEXT =
  /\b(my|our|me|resident|neighbor|posted|home|homeowner|owner|victim|witness|complainant|requester|caller|registrant|participant|reporting party|c\/o|his|her|their|i'm|i've|i'd|i'll|i am|i was)\b/i
const TITLES =
  'officer|ofc\\.?|det\\.?|detective|deputy|sgt\\.?|sergeant|lt\\.?|lieutenant|captain|chief|capt\\.?|cpl\\.?|corporal|agent|trooper|clerk'
const OFFICIAL_TITLE = new RegExp(`\\b(?:${TITLES})\\s*$`, 'i')
const STARTS_WITH_TITLE = new RegExp(`^(?:${TITLES})(?![a-z])`, 'i')

// OCR breaks an address apart: "jo@\n gmail.com", "jo@yahoo .com".
const EMAIL = /[A-Za-z0-9._%+-]+@\s{0,3}[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:\.[A-Za-z]{2,}|\s\.(?:com|net|org|edu)\b)/g
/** An agency's own host ("springfieldpd.org") or a mailbox that only an office has ("records@"). */
const AGENCY_HOST = /^[^.]*(?:pd|police|sheriff|dps)\./i
const ROLE_MAILBOX = /^(?:records|prr|foia|publicrecords|tips|pio|dispatch|cid|police|sheriff)@/i
/** Mail providers of the public: never an agency's domain, whoever writes from them. */
const PUBLIC_MAIL =
  /^(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|icloud|me|mac|aol|proton|protonmail|comcast|verizon|att|sbcglobal|cox|charter|gmx|posteo|mail|fastmail|zoho)\./i
/** A display name that is an office, not a person: "Records Unit <records@city.example>". */
const OFFICE_NAME = /\b(?:unit|bureau|division|department|office|police|sheriff|records|relations|dispatch)\b/i
// A digit may be an OCR'd letter (O for 0, l or I for 1); separators may be missing or spaced out.
const PHONE_DIGIT = '[\\dOolI]'
const PHONE = new RegExp(
  `(?<![\\w+-])(?:\\+?1[\\s.-]?)?(?:\\(\\s?${PHONE_DIGIT}{3}\\s?\\)\\s?|${PHONE_DIGIT}{3}\\s?[\\s.-]?\\s?)${PHONE_DIGIT}{3}\\s?[\\s.-]?\\s?${PHONE_DIGIT}{4}(?:,?\\s*(?:ext\\.?|x|extension)\\s*\\d{1,5})?(?![\\w-])`,
  'g',
)
// Outside North America: a plus, a country code and groups of digits ("+44 20 7946 0318").
const INTERNATIONAL_PHONE = /(?<![\w+])\+(?!1\b)[2-9]\d{0,2}(?:[\s.-]?\(?\d{1,5}\)?){2,5}(?![\w-])/g
/** Words before a run of digits that make it an identifier, not a phone number. */
const IDENTIFIER_BEFORE = /(?:case|incident|report|ref|id|no\.?|#|number|badge|order|account|acct)[\s:#.]*$/i
const STREET_TYPES =
  'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Trail|Trl|Loop|Row|Square|Sq|Landing|Crossing|Xing|Run|Path|Pass|Walk|Alley|Aly|Plaza|Ridge|Heights|Hts|Hollow|Glen|Cove|Bend|Knoll|Commons|Pike|Turnpike|Crescent|Cres|Close|Mews|Point|Pointe|Pt'
const DIRECTION = '(?:[NSEW]|North|South|East|West|NE|NW|SE|SW)\\.?'
/** The unit of a building: "Apt 3", ", Unit 4F", "#205", "Lot 27", "Ste. 110". */
const UNIT =
  '(?:,?\\s*(?:Apt|Apartment|Unit|Suite|Ste|Lot|Space|Spc|Bldg|Building|Rm|Room|Fl|Floor|#)\\.?\\s*#?\\s*[A-Za-z0-9-]*\\d[A-Za-z0-9-]*|,?\\s*(?:Apt|Unit|#)\\.?\\s*[A-Z]\\b)?'
/** A post office box, with its town, state and ZIP when they follow: "PO Box 31, Lynn, MA 01901". */
const PO_BOX = /\bP\.?\s?O\.?\s*Box\s+\d{1,7}(?:,?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2},?\s+[A-Z]{2}(?:\s+\d{5}(?:-\d{4})?)?)?/g
/** "the 6200 block of SE 72nd": a home's address when the words before say someone lives there. */
const HOME_BLOCK = new RegExp(
  `\\b\\d{2,6}\\s+block\\s+of\\s+(?:${DIRECTION}\\s+)?(?:[A-Z][a-z]+|\\d{1,3}(?:st|nd|rd|th))(?:\\s+[A-Z][a-z]+)?(?:\\s+(?:${STREET_TYPES})\\b\\.?)?`,
  'g',
)
const LIVES_THERE = /\b(?:lives?|living|resides?|residence|home|house|moved)\b[^.\n]{0,30}$/i
/** A form's field for a person's address: whatever the form's letterhead, the address is theirs. */
const ADDRESS_FIELD =
  /(?<!(?:agency|department|office|station|police|city|county)\s)\b(?:Addr|Address|Home address|Residence|lives at|resides at)\s*[:.]?\s*$/i
const ADDRESS = new RegExp(
  // 4415 N Monroe St · 13420 N 59th Ave, Unit 14 · 5712 Wedgmont Cir N · 4507 Avenue H
  `\\b\\d{1,6}\\s+(?:${DIRECTION}\\s+)?(?:(?:(?:[A-Z][a-z]+(?:['’]s)?|\\d{1,3}(?:st|nd|rd|th))\\s+){1,3}(?:${STREET_TYPES})\\b\\.?(?:\\s+${DIRECTION}(?![a-z]))?|Avenue\\s+[A-Z]\\b)${UNIT}`,
  'g',
)
// A plate comes after words that name it; letters and digits mixed, as plates are.
const PLATE =
  /\b(?:plates?|licen[cs]e(?:\s+plate)?|lic\.?|tags?|LP\b)(?:\s+(?:number|no\.?|#))?(?:,?\s+(?:start(?:s|ing)?\s+with|is|was|reads?|of))?[\s:#]*(?:\((?:[A-Z]{2})\)\s*)?([A-Z0-9]{1,4}[\s-]?[A-Z0-9]{2,5})\b/gi
const PLATE_NEARBY = /\b[Pp]lates?\b[^.\n]{0,40}?\b([A-Z0-9]{2,4}[\s-]?[A-Z0-9]{3,4})\b/g
const STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY'
const STATE_NAMES =
  'Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming'
// "OH HTB 9046", "Florida QZP W71", "OH temp tag T 118842": a state, maybe a plate word, then the plate.
const NAMED_STATE_PLATE = new RegExp(
  `\\b(?:${STATES}|${STATE_NAMES})\\s+(?:(?:temp(?:orary)?\\s+)?(?:plates?|tags?|lic\\.?|licen[cs]e)\\s*[#:]?\\s*)?([A-Z0-9]{1,4}(?:[ -]?[A-Z0-9]{1,6})?)(?![\\w-])`,
  'g',
)
const STATE_PLATE = /\b(?:[A-Z]{2})\s+(?:plate\s+)?([A-Z0-9]{2,4}[\s-]?[A-Z0-9]{3,4})\b(?=[\s.,)]|$)/g

// O'Rourke, McAllister, Pryce-Davies, Yıldırım; "van der Merwe"; a leading initial ("T. Hargrove").
const NAME_WORD = "(?:\\p{Lu}['’])?\\p{Lu}\\p{Ll}+(?:\\p{Lu}\\p{Ll}+)?(?:[-'’]\\p{Lu}\\p{Ll}+)*"
const PARTICLES = '(?:van|von|der|den|de|del|della|da|di|du|la|le|bin|ibn|al|el)'
const NAME = `(?:\\p{Lu}\\.\\s?)?${NAME_WORD}(?:\\s+"\\p{Lu}[\\p{L}. ]{0,14}")?(?:\\s+\\p{Lu}\\.)?(?:\\s+(?:${PARTICLES}\\s+){0,2}${NAME_WORD}){0,2}(?:\\s+(?:Jr|Sr)\\.?|\\s+(?:II|III|IV)\\b)?`
/** A name in capitals, as report forms print it: "PATEL, NIKHIL", "SHAUNA McILHENNY". */
const CAPS_WORD = "(?:Mc|Mac)?\\p{Lu}{2,}(?:[-'’]\\p{Lu}{2,})*"
const CAPS_NAME = `${CAPS_WORD}(?:,?[ \\t]+${CAPS_WORD}){1,3}(?![\\p{L}])`
/** "Salcedo, Rosario", "Ochoa, Luz M.": surname first, as forms and logs list people. */
const LAST_FIRST = `${NAME_WORD},[ \\t]*${NAME}`
/** Two people of one household: "Anil & Sunita Rao". */
const HOUSEHOLD = `${NAME_WORD}\\s*&\\s*${NAME}`
const COURTESY = '(?:Mr|Mrs|Ms|Miss|Mx|Father|Fr|Rev)\\.?'
/** A courtesy title marks a member of the public by name: "Mrs. Okafor", "Father Tom Reyes". */
const COURTESY_NAME = new RegExp(`\\b${COURTESY}\\s+(?:"[^"\\n]{1,20}"\\s+)?${NAME}`, 'gu')
/** "Good afternoon Sam and Ms. Haddad," — each name a greeting addresses. */
const GREETING = new RegExp(
  `(?:^|\\n)[ \\t>]*(?:Hi|Hello|Hey|Dear|Good (?:morning|afternoon|evening))\\s+((?:(?:${COURTESY}\\s+)?${NAME}(?:\\s*(?:,|and|&)\\s*)?){1,4})[,!:]`,
  'gu',
)
/** A first name alone after a sign-off or a dash on its own line: "Thanks, Priya", "— Noor". */
const SIGNED_LINE = new RegExp(
  `^[ \\t>]*(?:(?:[Tt]hanks|[Tt]hank you|[Cc]heers|[Bb]est|[Rr]egards|[Ss]incerely)[,!]?\\s+|[—–]\\s*|--\\s*)(${NAME})[.!]?\\s*$`,
  // Not case-insensitive: \p{Lu} would match any letter.
  'gmu',
)
/** Words that say a word just before them is an organisation's name, not a person's. */
const ORGANISATION_WORD = /^(?:Police|Department|Sheriff|Sheriff's|County|City|Agency|Unit|Division|Office|Bureau|PD)$/
const GREETED_NAME = new RegExp(`(?:${COURTESY}\\s+)?${NAME}`, 'gu')
const LEADING_COURTESY = new RegExp(`^${COURTESY}\\s+`, 'u')
const STREET_TYPE = new RegExp(`^(?:${STREET_TYPES})$`)
const RANK = new RegExp(`\\b(?:${TITLES})(?:\\s+(?:${TITLES}))?\\s+`, 'gi')
const RANKED_DISPLAY_NAME = new RegExp(`\\b(?:${TITLES})\\s`, 'i')
const NAME_HERE = new RegExp(NAME, 'uy')
const WHOLE_NAME = new RegExp(`^${NAME}$`, 'u')
const MAILBOX = new RegExp(`(${NAME})\\s*<([^>\\s]+@[^>\\s]+)>`, 'gu')
const LEADING_NAME = new RegExp(`^(\\s*(?:(?:\\d+[.)]|[-*•·])\\s*)?)(${HOUSEHOLD}|${NAME})(?:\\s*[—–|,(]|\\s*\\.{3,}|\\s{2,})`, 'u')
/** A name in a column of a table aligned with spaces, or after "by" on a line with contacts. */
const SPACED_CELL_NAME = new RegExp(`(?:^|\\s{2,}|\\bby\\s+)(${NAME})(?=\\s{2,}|\\s*\\()`, 'gu')
const CELL_NAME = new RegExp(`(?:^|\\|)\\s*(${NAME})\\s*(?=\\|)`, 'gu')
/** Words that mark the next name as a private person's. */
const PERSON_CUES = new RegExp(
  `(?:\\b(?:Posted by|[Nn]eighbor|[Rr]esident|Responding user|User|Reported by|Submitted by|Homeowner|Caller|Hi|Dear|Resident name|Neighbor name|Hello|Hey|Comment from|[Rr]eply (?:by|from)|[Vv]ictim|[Ww]itness|Complainant|Requester|RP|c\\/o|husband|wife|son|daughter|partner|mother|brother|sister)|→)(?:\\s*[):·,-])*\\s+(${HOUSEHOLD}|${NAME})`,
  'gu',
)
/**
 * Report-form labels of the people a report is about: the reporting party, victims, witnesses
 * ("RP:", "V1:", "W2: Name (L,F,M):"), with the surname-first and capitals forms forms use.
 */
const LABELLED_PERSON = new RegExp(
  `\\b(?:RP|[VW]\\d{1,2}|Caller|Complainant|Victim|Witness|Registered owner)(?:[ \\t]*[:#])?[ \\t]*(?:Name[ \\t]*\\(L,[ \\t]?F,[ \\t]?M\\)[ \\t]*:?[ \\t]*)?(?:homeowner[ \\t]+)?(${LAST_FIRST}|${CAPS_NAME}|${NAME})`,
  'gu',
)
/** People who name themselves ("My name is …", "I'm …", "This is …") or whom the text identifies. */
const SELF_NAMED = new RegExp(
  `\\b(?:[Mm]y name is|[Mm]y name's|I'm|I am|This is|identified as|girlfriend|boyfriend|fianc[ée]e?|roommate|tenant|home of)[ \\t]+(${HOUSEHOLD}|${NAME}|${CAPS_NAME})`,
  'gu',
)
/** A name the next words describe as a private person: "(DOB …)", "(age 22)", "resides at". */
const DESCRIBED_PERSON = new RegExp(
  `(?<![\\p{L}])(${NAME}|${CAPS_NAME})(?=[ \\t]*\\((?:DOB|age|d\\.o\\.b\\.)|,?[ \\t]+(?:resides|lives|living)[ \\t]+at\\b)`,
  'gu',
)
/** Words that are not part of a person's name. */
const NOT_NAME =
  /^(?:Ring|Neighbors?|Police|Department|Street|Avenue|Road|Safety|Public|Service|Portal|App|Request|Alert|Crime|Lost|Suspicious|Says?|Called|Calls?|The|A|An|Video|Videos|Shared|Declined|Email|Phone|Address|Name|Location|Time|Text|Post|Title|Category|Case|Agency|Officer|Thanks?|Details|Contact|Response|Responses|Tel|Ph|Cell|Fax|Mobile|Home|Work|DOB|Alt)$/

const SIGN_OFF = /^(?:thanks|thank you|sincerely|regards|best regards|best|cheers|respectfully|warmly|-+)[,!.]?\s*$/i

export function detectPii(text: string): PiiSpan[] {
  const people = persons(text)
  const found: PiiSpan[] = [...emails(text), ...phones(text), ...addresses(text, people), ...plates(text), ...people]
  return dedupe(found).sort((a, b) => a.start - b.start || b.end - a.end)
}

function emails(text: string): PiiSpan[] {
  const agency = agencyDomains(text)
  return matches(text, EMAIL).flatMap(([match, start]) => (agency.has(domainOf(match)) ? [] : [span('email', match, start)]))
}

const domainOf = (email: string) =>
  email
    .slice(email.indexOf('@') + 1)
    .replace(/\s/g, '')
    .toLowerCase()

/**
 * The domains of the agency's own mail on this page: a government-looking host, a role mailbox, or
 * an address in an official's letterhead or signature. Every address at such a domain is staff's.
 */
function agencyDomains(text: string): Set<string> {
  const domains = new Set<string>()
  for (const [match, start] of matches(text, EMAIL)) {
    const domain = domainOf(match)
    if (PUBLIC_MAIL.test(domain)) continue
    const display = text.slice(text.lastIndexOf('\n', start) + 1, start)
    const sentByStaff = /<$/.test(display) && (OFFICE_NAME.test(display) || RANKED_DISPLAY_NAME.test(display))
    if (
      OFFICIAL_EMAIL_DOMAIN.test(domain) ||
      AGENCY_HOST.test(domain) ||
      ROLE_MAILBOX.test(match) ||
      sentByStaff ||
      isOfficial(text, start)
    )
      domains.add(domain)
  }
  return domains
}

function phones(text: string): PiiSpan[] {
  const candidates = [
    ...matches(text, PHONE).filter(([match, start]) => isPhoneNumber(text, match, start)),
    ...matches(text, INTERNATIONAL_PHONE).filter(([match]) => {
      const digits = match.replace(/\D/g, '').length
      return digits >= 9 && digits <= 15
    }),
  ]
  return candidates.flatMap(([match, start]) =>
    !PRIVATE_NUMBER_LABEL.test(text.slice(Math.max(0, start - 30), start)) && isOfficial(text, start) ? [] : [span('phone', match, start)],
  )
}

/** Words just before a number that make it a person's whatever office the passage names: "callback 555-…", "her cell". */
const PRIVATE_NUMBER_LABEL =
  /\b(?:call ?back|cb|cell|mobile|home|personal|my (?:number|phone|cell)|(?:reach|reached|call|text) (?:me|him|her|them) at|phone of|number is|caller)\b[\s:#.,-]*$/i

/**
 * A North American number: at most two OCR'd letters, and when written without separators its
 * area code and exchange start with 2–9 and no identifier label stands before it.
 */
function isPhoneNumber(text: string, match: string, start: number): boolean {
  const number = match.replace(/\s*(?:ext\.?|x|extension)\s*\d+$/i, '')
  if ((number.match(/[OolI]/g) ?? []).length > 2 || !/^[\d(+]/.test(number) || !/\d$/.test(number)) return false
  if (/[\s.()-]/.test(number.replace(/^\+?1[\s.-]/, ''))) return true
  const digits = number.replace(/^\+?1/, '')
  return /^[2-9]\d{2}[2-9]/.test(digits) && !IDENTIFIER_BEFORE.test(text.slice(Math.max(0, start - 16), start))
}

/**
 * Whether data at `at` is an agency's: its sentence names an office, or it sits in a block of lines
 * (a letterhead, a signature) that does, and nothing there speaks of a resident.
 */
function isOfficial(text: string, at: number): boolean {
  const cell = tableCellAt(text, at)
  if (cell) return OFFICIAL_COLUMN.test(cell.header) || (OFFICIAL_CONTEXT.test(cell.text) && !PRIVATE_CONTEXT.test(cell.text))
  const sentence = sentenceAround(text, at)
  if (OFFICIAL_CONTEXT.test(sentence)) return !PRIVATE_CONTEXT.test(sentence)
  const block = blockAbove(text, at)
  return OFFICIAL_CONTEXT.test(block) && !PRIVATE_CONTEXT.test(block)
}

const OFFICIAL_COLUMN = /\b(?:officer|agency|department|badge|investigator|assigned|staff)/i

interface TableRow {
  cells: { text: string; start: number }[]
}

/** A row of a CSV, tab or pipe table: its cells with their offsets in `line`. Quoted cells may hold the delimiter. */
function splitRow(line: string, delimiter: string): TableRow {
  const cells: TableRow['cells'] = []
  let start = 0
  let quoted = false
  for (let index = 0; index <= line.length; index++) {
    const character = line[index]
    if (character === '"') quoted = !quoted
    else if (index === line.length || (character === delimiter && !quoted)) {
      cells.push({ text: line.slice(start, index), start })
      start = index + 1
    }
  }
  return { cells }
}

function delimiterOf(line: string): string | null {
  for (const delimiter of ['|', '\t', ',', ';']) if (splitRow(line, delimiter).cells.length >= 4) return delimiter
  return null
}

/** A table's header: a line with no digits above `lineStart`, as wide as the row or a little wider. */
function headerAbove(text: string, lineStart: number, delimiter: string, width: number): string[] | null {
  let end = lineStart - 1
  for (let lines = 0; lines < 200 && end > 0; lines++) {
    const start = text.lastIndexOf('\n', end - 1) + 1
    const line = text.slice(start, end)
    const cells = splitRow(line, delimiter).cells
    // Exports leave trailing empty cells out of a row.
    if (cells.length >= width && cells.length <= width + 2 && !/\d/.test(line)) return cells.map((cell) => cell.text.trim())
    end = start - 1
  }
  return null
}

/** The cell of a table row that holds `at`, with its column's header. */
function tableCellAt(text: string, at: number): { text: string; header: string } | null {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1
  const lineEnd = text.indexOf('\n', at)
  const line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd)
  const delimiter = delimiterOf(line)
  if (!delimiter) return null
  const { cells } = splitRow(line, delimiter)
  const header = headerAbove(text, lineStart, delimiter, cells.length)
  if (!header) return null
  const index = cells.findLastIndex((cell) => lineStart + cell.start <= at)
  return { text: cells[index]!.text, header: header[index] ?? '' }
}

/**
 * Street addresses and PO boxes that are not the agency's. An address written right after a
 * private person's name ("Jane Roe, 12 Elm St") is theirs even in an official's log line; an
 * address the page shows to be the agency's (in its letterhead or signature) is its everywhere.
 */
function addresses(text: string, privatePeople: PiiSpan[] = []): PiiSpan[] {
  const candidates = [
    ...matches(text, ADDRESS),
    ...matches(text, PO_BOX),
    ...matches(text, HOME_BLOCK).filter(([, start]) => LIVES_THERE.test(text.slice(Math.max(0, start - 40), start))),
  ]
  const official = new Set(candidates.flatMap(([match, start]) => (isOfficial(text, start) ? [match] : [])))
  return candidates.flatMap(([match, start]) => {
    const ownersName = privatePeople.some((person) => /^\s*(?:,|\(|at|of)?\s*$/.test(text.slice(person.end, start)) && person.end <= start)
    const field = ADDRESS_FIELD.test(text.slice(Math.max(0, start - 30), start))
    if (!ownersName && !field && official.has(match)) return []
    // "the 3300 block of N Howard St" names an area, not a home.
    if (/\bblock of\s*$/i.test(text.slice(Math.max(0, start - 12), start))) return []
    return [span('address', match, start)]
  })
}

function plates(text: string): PiiSpan[] {
  const found: PiiSpan[] = []
  for (const pattern of [PLATE, PLATE_NEARBY, STATE_PLATE, NAMED_STATE_PLATE]) {
    for (const found_ of text.matchAll(pattern)) {
      const plate = found_[1]!
      if (!isPlateLike(plate, pattern === PLATE || pattern === NAMED_STATE_PLATE)) continue
      if (pattern !== PLATE && !/^[A-Z0-9\s-]+$/.test(plate)) continue
      if (pattern === PLATE && plate !== plate.toUpperCase()) continue
      const start = found_.index! + found_[0].lastIndexOf(plate)
      found.push(span('plate', plate, start))
    }
  }
  // A plate named once is the same plate wherever it comes back on the page ("NCIC on ABC-1234").
  for (const plate of new Set(found.map((one) => one.text)))
    for (const [match, start] of matches(text, new RegExp(`(?<![\\w-])${escapeRegExp(plate)}(?![\\w-])`, 'g')))
      found.push(span('plate', match, start))
  return found
}

/**
 * Letters and digits mixed as plates are; all digits only where a plate word or a state names it,
 * and never a ZIP code, a year or a case number ("21-118804").
 */
function isPlateLike(plate: string, named: boolean): boolean {
  const characters = plate.replace(/[\s-]/g, '')
  if (!/\d/.test(plate) || characters.length < 4 || characters.length > 8 || /^\d{2}-\d+$/.test(plate)) return false
  if (/[A-Za-z]/.test(plate)) return true
  return named && /^\d{6,7}$/.test(characters) && !/^(?:19|20)\d{2}$/.test(characters)
}

function persons(text: string): PiiSpan[] {
  const officials = officialNameWords(text)
  const isOfficialName = (name: string) => name.split(/[\s,&.]+/).every((word) => word === '' || officials.has(word))
  const candidates: PiiSpan[] = []
  const cued = (match: RegExpMatchArray, group: string) => {
    const name = trimName(group)
    if (!name) return
    const start = match.index! + match[0].lastIndexOf(group)
    if (OFFICIAL_TITLE.test(text.slice(Math.max(0, start - 12), start)) || STARTS_WITH_TITLE.test(name)) return
    candidates.push(span('person', name, start))
  }
  for (const pattern of [PERSON_CUES, LABELLED_PERSON, SELF_NAMED, DESCRIBED_PERSON])
    for (const match of text.matchAll(pattern)) cued(match, match[1]!)
  for (const match of text.matchAll(SIGNED_LINE)) cued(match, match[1]!)
  for (const match of text.matchAll(GREETING)) {
    const list = match[1]!
    const listStart = match.index! + match[0].indexOf(list)
    for (const one of list.matchAll(GREETED_NAME)) {
      const name = trimName(one[0])
      if (name && !STARTS_WITH_TITLE.test(name)) candidates.push(span('person', name, listStart + one.index!))
    }
  }
  for (const [match, start] of matches(text, COURTESY_NAME)) {
    if (OFFICIAL_TITLE.test(text.slice(Math.max(0, start - 12), start))) continue
    const name = trimName(match)
    if (name?.includes(' ')) candidates.push(span('person', name, start))
  }
  candidates.push(...tableNames(text), ...signatures(text), ...mailboxNames(text), ...namesBesideContacts(text))
  const found = candidates.filter((person) => !isOfficialName(person.text.replace(LEADING_COURTESY, '')))
  // A name found once is the same person everywhere on the page, and so is each of its words alone
  // ("Gretchen", "Hoffmann-Silva") when it is not also an official's.
  const names = new Set<string>()
  for (const person of found) {
    const bare = person.text.replace(LEADING_COURTESY, '')
    names.add(person.text)
    for (const word of bare.split(/[\s,&"]+/))
      if (word.length >= 3 && !officials.has(word) && !NOT_NAME.test(word) && /^\p{Lu}/u.test(word)) names.add(word)
  }
  if (names.size === 0) return found
  const alternatives = [...names].sort((a, b) => b.length - a.length).map(escapeRegExp)
  const anyName = new RegExp(`(?<![\\p{L}\\p{N}@.])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}@]|\\.[\\p{L}])`, 'gu')
  for (const [match, start] of matches(text, anyName))
    if (!startsOrganisation(text, start + match.length)) found.push(span('person', match, start))
  return found
}

/** Whether the words after `at` make the name before it an organisation's ("Harlow Police Department"). */
function startsOrganisation(text: string, at: number): boolean {
  const next = /^\s+([\p{L}']+)/u.exec(text.slice(at, at + 30))
  return next !== null && (ORGANISATION_WORD.test(next[1]!) || STREET_TYPE.test(next[1]!))
}

/** The words of officials' names on the page: after a rank ("Det. Ian Moss", "Sgt. Kovač"). */
function officialNameWords(text: string): Set<string> {
  const words = new Set<string>()
  for (const match of text.matchAll(RANK)) {
    NAME_HERE.lastIndex = match.index! + match[0].length
    const name = NAME_HERE.exec(text)
    for (const word of name?.[0].split(/\s+/) ?? []) if (!NOT_NAME.test(word)) words.add(word)
  }
  return words
}

/** Column headers of the people a table is about: "resident_name", "Reporter", "RP", "owner_last", "First name". */
const PERSON_COLUMN =
  /(?:^|[\s_])(?:(?:resident|neighbor|user|requester|reporter|complainant|rp|caller|owner|homeowner|registrant|participant|witness|victim|submitted.by|posted.by)(?:[\s_.]?(?:first|last|given|sur|full))?|first|last|given|sur|full)?(?:[\s_.]?name)?$/i
const NOT_PERSON_COLUMN = /(?:^|[\s_])(?:officer|agency|badge|id|e-?mail|phone|address|date|time|status|case|file|notes?)(?:$|[\s_])/i
/** A cell that is a name: "Jane Roe", "Roe, Jane", "Jerome \"JJ\" Doe Jr.", "Anil & Sunita Rao". */
const NAME_CELL = new RegExp(`^(?:${HOUSEHOLD}|${NAME}|${NAME_WORD},\\s*${NAME})$`, 'u')

/** A name standing alone in a column of a table (pipes, tabs or CSV) whose header names residents. */
function tableNames(text: string): PiiSpan[] {
  const found: PiiSpan[] = []
  let offset = 0
  for (const line of text.split('\n')) {
    const delimiter = delimiterOf(line)
    if (delimiter && /\d|@/.test(line)) {
      const { cells } = splitRow(line, delimiter)
      const header = headerAbove(text, offset, delimiter, cells.length)
      for (const [index, cell] of header ? cells.entries() : []) {
        const column = header![index] ?? ''
        if (!PERSON_COLUMN.test(column) || NOT_PERSON_COLUMN.test(column) || !/[a-z]/i.test(column)) continue
        const name = cell.text.trim().replace(/^"(.*)"$/, '$1')
        if (NAME_CELL.test(name) && !STARTS_WITH_TITLE.test(name) && !NOT_NAME.test(name))
          found.push(span('person', name, offset + cell.start + cell.text.indexOf(name)))
      }
    }
    offset += line.length + 1
  }
  return found
}

/**
 * A name that heads a line or a table cell next to a resident's contact details: "1. Jane Roe —
 * 12 Elm St — jane@gmail.com", "| Jane Roe | jane@gmail.com |".
 */
function namesBesideContacts(text: string): PiiSpan[] {
  const found: PiiSpan[] = []
  let offset = 0
  for (const line of text.split('\n')) {
    const contacts = [...emails(line), ...phones(line), ...addresses(line)]
    if (contacts.length > 0) {
      const head = OFFICIAL_CONTEXT.test(line) ? null : LEADING_NAME.exec(line)
      const candidates: [string, number][] = head ? [[head[2]!, head[1]!.length]] : []
      if (line.includes('|'))
        for (const match of line.matchAll(CELL_NAME)) candidates.push([match[1]!, match.index! + match[0].indexOf(match[1]!)])
      for (const match of line.matchAll(SPACED_CELL_NAME)) candidates.push([match[1]!, match.index! + match[0].lastIndexOf(match[1]!)])
      for (const [candidate, at] of candidates) {
        const name = trimName(candidate)
        if (name?.includes(' ') && !STARTS_WITH_TITLE.test(name)) found.push(span('person', name, offset + at))
      }
    }
    offset += line.length + 1
  }
  return found
}

/** The name under a sign-off ("Thanks,\nJane Roe"), unless the lines after it make it an official's. */
function signatures(text: string): PiiSpan[] {
  const lines = text.split('\n')
  const found: PiiSpan[] = []
  let offset = 0
  for (const [index, line] of lines.entries()) {
    const next = lines[index + 1]?.trim() ?? ''
    if (SIGN_OFF.test(line.trim()) && WHOLE_NAME.test(next) && next.includes(' ')) {
      const following = lines.slice(index + 1, index + 4).join(' ')
      if (!OFFICIAL_CONTEXT.test(following) && !OFFICIAL_TITLE.test(`${next.split(' ')[0]}`)) {
        found.push(span('person', next, offset + line.length + 1 + lines[index + 1]!.indexOf(next)))
      }
    }
    offset += line.length + 1
  }
  return found
}

/** The display name of a private sender or recipient: "Jane Roe <jane@gmail.com>". */
function mailboxNames(text: string): PiiSpan[] {
  const agency = agencyDomains(text)
  const found: PiiSpan[] = []
  for (const match of text.matchAll(MAILBOX)) {
    if (agency.has(domainOf(match[2]!)) || OFFICE_NAME.test(match[1]!) || !match[1]!.includes(' ')) continue
    const name = trimName(match[1]!)
    if (name) found.push(span('person', name, match.index!))
  }
  return found
}

function trimName(candidate: string): string | null {
  const words = candidate.split(/\s+/)
  while (words.length > 0 && NOT_NAME.test(words.at(-1)!)) {
    if (ORGANISATION_WORD.test(words.at(-1)!)) return null
    words.pop()
  }
  if (words.length === 0 || NOT_NAME.test(words[0]!) || words.some((word) => ORGANISATION_WORD.test(word))) return null
  return words.join(' ')
}

function matches(text: string, pattern: RegExp): [string, number][] {
  return [...text.matchAll(pattern)].map((match) => [match[0], match.index!])
}

const span = (kind: PiiKind, text: string, start: number): PiiSpan => ({ kind, text, start, end: start + text.length })

const ABBREVIATION = /(?:^|[^\p{L}])(?:\p{Lu}|Det|Ofc|Sgt|Lt|Capt|Cpl|Dep|Insp|Mr|Mrs|Ms|Dr|St|Ave|Rd|No|resp|approx|vs|etc)$/u

/** The sentence (or line) that holds `at`. */
function sentenceAround(text: string, at: number): string {
  let start = at
  while (start > 0 && !/[\n!?]/.test(text[start - 1]!) && !endsSentence(text, start - 1)) start--
  let end = at
  while (end < text.length && !/[\n!?]/.test(text[end]!) && !endsSentence(text, end)) end++
  return text.slice(start, end)
}

/** A full stop that ends a sentence: followed by a space, and not the dot of an abbreviation ("Det.", "St."). */
function endsSentence(text: string, at: number): boolean {
  return text[at] === '.' && /\s|$/.test(text[at + 1] ?? '') && !ABBREVIATION.test(text.slice(Math.max(0, at - 6), at))
}

/** The line that holds `at` and up to three lines above it, back to a blank line. */
function blockAbove(text: string, at: number): string {
  const lineEnd = text.indexOf('\n', at)
  let start = at
  for (let lines = 0; lines < 4 && start > 0; lines++)
    start = text.lastIndexOf('\n', start - 1) === -1 ? 0 : text.lastIndexOf('\n', start - 1)
  const lines = text
    .slice(start, lineEnd === -1 ? undefined : lineEnd)
    .split('\n')
    .slice(-4)
  const lastBlank = lines.findLastIndex((line) => line.trim() === '')
  return lines.slice(lastBlank + 1).join('\n')
}

/** One span per place: the same text found twice, or inside a longer span of the same kind, is one. */
function dedupe(spans: PiiSpan[]): PiiSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end)
  const kept: PiiSpan[] = []
  for (const candidate of sorted) {
    if (kept.some((other) => other.kind === candidate.kind && other.start <= candidate.start && other.end >= candidate.end)) continue
    kept.push(candidate)
  }
  return kept
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Up to `width` characters either side of a span, on one line, for a reviewer to judge it by. */
export function contextOf(text: string, start: number, end: number, width = 40): string {
  const before = text.slice(Math.max(0, start - width), start)
  const after = text.slice(end, end + width)
  return `${before}${text.slice(start, end)}${after}`.replace(/\s+/g, ' ').trim()
}
