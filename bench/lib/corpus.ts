// A seeded generator of what agencies send back about Ring partnerships: agreements (long, full of
// boilerplate clauses), email threads and invoices, with agency names, people, dates, amounts and
// case numbers varying, so search runs against something shaped like the real thing.

export interface CorpusAgency {
  name: string
  city: string
  state: string
}

export interface CorpusDocument {
  kind: 'agreement' | 'correspondence' | 'invoice'
  agency: number
  title: string
  receivedAt: Date
  pages: string[]
}

/** mulberry32: small, fast and the same on every machine for a given seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FIRST = [
  'Maria',
  'James',
  'Linda',
  'Robert',
  'Patricia',
  'Michael',
  'Jennifer',
  'David',
  'Elizabeth',
  'William',
  'Susan',
  'Carlos',
  'Aisha',
  'Nguyen',
  'Fatima',
  'Kevin',
  'Rachel',
  'Tomás',
  'Priya',
  'Daniel',
  'Grace',
  'Omar',
  'Hannah',
  'Luis',
  'Megan',
  'Andre',
  'Keisha',
  'Brian',
  'Yuki',
  'Sean',
]
const LAST = [
  'Garcia',
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Okafor',
  'Kowalski',
  'Haddad',
  'Chen',
  'Patel',
]
const ROLES = [
  'Chief of Police',
  'Sheriff',
  'Public Information Officer',
  'Records Supervisor',
  'Community Affairs Sergeant',
  'Deputy City Attorney',
  'Lieutenant',
  'Crime Analyst',
  'Captain',
  'City Manager',
]

const AGREEMENT_CLAUSES = [
  'This Memorandum of Understanding is entered into by and between Ring LLC, a Delaware limited liability company, and {agency} of {city}, {state}, concerning access to the Neighbors Portal.',
  'Ring grants the Department a limited, non-exclusive, non-transferable license to access and use the Neighbors Portal solely for lawful public safety purposes during the term of this agreement.',
  'Through the Neighbors Portal, the Department may post safety alerts to the Neighbors app and may submit video requests to Ring users located within a defined geographic area, not to exceed one half square mile.',
  'Each video request must include a valid case number, a description of the incident, and the time window of interest, which shall not exceed twelve hours. Participation by users is voluntary and users may decline any request.',
  'The Department shall not disclose login credentials to any third party and shall promptly notify Ring of any unauthorized access to the Neighbors Portal.',
  'The Department agrees to promote the Neighbors app to the community, including on its website and social media accounts, using messaging approved in advance by Ring.',
  'Ring will provide the Department with training, onboarding materials, talking points and a social media toolkit for the launch of the partnership.',
  'Any press release, public statement or media interview concerning this partnership shall be reviewed and approved by Ring prior to publication.',
  'Ring may, in its sole discretion, provide complimentary Ring Video Doorbell devices to the Department for distribution to residents through a giveaway or subsidy program.',
  'For each user who downloads the Neighbors app using the Department’s unique link, the Department may earn credits redeemable for additional Ring devices.',
  'The Department shall retain video footage received through the Neighbors Portal in accordance with its records retention schedule and applicable state law, including the {law}.',
  'Nothing in this agreement requires the Department to disclose information protected from disclosure under the {law} or other applicable law.',
  'Either party may terminate this agreement upon thirty days written notice. Sections concerning confidentiality, indemnification and limitation of liability survive termination.',
  'The Department shall indemnify and hold harmless Ring from any claims arising from the Department’s misuse of the Neighbors Portal, to the extent permitted by the laws of {state}.',
  'Ring does not provide facial recognition features through the Neighbors Portal, and the Department shall not use footage obtained through the Portal for facial recognition without legal authority.',
  'Video footage requested through the Portal is provided by users directly; Ring does not review, edit or endorse the content of any shared video.',
  'The Department designates {person}, {role}, as its point of contact for all matters concerning this agreement and the Neighbors Portal.',
  'This agreement constitutes the entire agreement between the parties and supersedes all prior discussions, proposals and understandings, written or oral.',
  'The term of this agreement begins on {date} and continues for one year, renewing automatically for successive one year terms unless terminated.',
  'Ring may update the Neighbors Portal terms of service from time to time; continued use of the Portal after notice constitutes acceptance of the updated terms.',
  'Requests for emergency assistance shall not be made through the Neighbors Portal; residents are directed to call 911 in an emergency.',
  'The Department acknowledges that geofence and location information shown in the Portal is approximate and may not reflect the precise location of any camera.',
  'Confidential information includes the Portal interface, training materials, usage statistics and the terms of this agreement, except as required by the {law}.',
  'Signed for {agency} by {person}, {role}, on {date}, and for Ring LLC by its Head of Law Enforcement Partnerships.',
]

const EMAIL_SENTENCES = [
  'Thanks for joining the call on {date} about the Neighbors Portal launch in {city}.',
  'Attached are the talking points and the press release draft for your review; please send edits by Friday.',
  'We have {count} doorbell cameras set aside for the community giveaway event at the {city} farmers market.',
  'Our records unit received a public records request for all communications with Ring; the request number is {case}.',
  'Can you confirm whether video requests sent through the Portal are retained by the department or only by Ring?',
  'The Chief asked whether we can post the crime map to the Neighbors app without approval from your team.',
  'Please find the signed Memorandum of Understanding attached; the original will follow by mail.',
  'We saw a spike in Neighbors app downloads after the news segment, about {count} new users this week.',
  'Legal has questions about indemnification and whether the confidentiality clause conflicts with the {law}.',
  'Officer {person} used the Portal to request footage for case {case}; three residents shared video.',
  'Let me know if you need more cameras for the school safety fair or additional training for your detectives.',
  'The fee estimate for the records request is {amount} for staff time reviewing and redacting emails.',
  'Forwarding the invoice for the camera subsidy program; the city council approved the purchase order last night.',
  'Ring suggested wording for the social media post: download the Neighbors app to stay informed about crime and safety.',
  'Residents asked at the town hall whether police can see their cameras live; we told them that is not possible.',
  'Our department policy on video retention is ninety days unless the footage is evidence in an open case.',
]

const EXHIBIT_NOTES = [
  'Training session scheduled at the {city} public safety building for {count} officers.',
  'Portal accounts are issued to sworn personnel only and reviewed every ninety days.',
  'Contact {person} for questions about the video request workflow or case number format.',
  'Quarterly usage report: {count} posts, {count} video requests, {count} videos shared.',
  'Community meeting at the {city} library about doorbell cameras and privacy.',
  'Budget note: the camera subsidy program is funded at {amount} per household.',
  'Records requests concerning this agreement are handled by the {agency} records unit under the {law}.',
  'Detectives must document each Portal request in the case file with the incident number {case}.',
]

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

const INVOICE_ITEMS = [
  'Ring Video Doorbell (2nd Generation)',
  'Ring Stick Up Cam Battery',
  'Ring Floodlight Cam',
  'Ring Spotlight Cam Wired',
  'Shipping and handling',
  'Neighbors app community event kit',
  'Chime Pro',
  'Solar panel accessory',
  'Installation brackets',
]

export function generateCorpus(options: {
  seed: number
  documents: number
  agencies: readonly CorpusAgency[]
  laws: Record<string, string>
}): CorpusDocument[] {
  const random = seededRandom(options.seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1))
  const person = () => `${pick(FIRST)} ${pick(LAST)}`
  const day = () => new Date(Date.UTC(2018, 0, 1) + between(0, 3 * 365) * 86_400_000)
  const longDate = (date: Date) => `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`
  const fill = (template: string, agency: CorpusAgency) =>
    template
      .replaceAll('{agency}', agency.name)
      .replaceAll('{city}', agency.city)
      .replaceAll('{state}', agency.state)
      .replaceAll('{law}', options.laws[agency.state] ?? 'public records law')
      .replaceAll('{person}', person())
      .replaceAll('{role}', pick(ROLES))
      .replaceAll('{date}', longDate(day()))
      .replaceAll('{count}', String(between(5, 400)))
      .replaceAll('{case}', `${between(17, 21)}-${between(10000, 99999)}`)
      .replaceAll('{amount}', `$${between(15, 2400)}.${String(between(0, 99)).padStart(2, '0')}`)

  const documents: CorpusDocument[] = []
  for (let index = 0; index < options.documents; index++) {
    const agencyIndex = between(0, options.agencies.length - 1)
    const agency = options.agencies[agencyIndex]!
    const roll = index % 20
    if (roll < 5) {
      // Agreements: the clauses once each, in order, a few to a page, then exhibits of contacts and
      // training notes; some are drafts, marked as such.
      const draft = random() < 0.2
      const clauses = AGREEMENT_CLAUSES.map((clause) => fill(clause, agency))
      if (draft) clauses.unshift('DRAFT — not for distribution.')
      const pages: string[] = []
      for (let start = 0; start < clauses.length; start += 3) pages.push(clauses.slice(start, start + 3).join('\n\n'))
      while (pages.length < 25) {
        const contacts = Array.from(
          { length: between(6, 12) },
          () => `${person()}, ${pick(ROLES)}, ${agency.name}, (${between(200, 989)}) ${between(200, 999)}-${between(1000, 9999)}`,
        )
        const notes = Array.from({ length: between(3, 6) }, () => fill(pick(EXHIBIT_NOTES), agency))
        pages.push(`Exhibit ${String.fromCharCode(65 + pages.length - 8)}\n\n${contacts.join('\n')}\n\n${notes.join(' ')}`)
      }
      const paged = pages.map((text, page) => `${text}\n\nPage ${page + 1} of ${pages.length}`)
      documents.push({
        kind: 'agreement',
        agency: agencyIndex,
        title: `${draft ? 'Draft ' : ''}Neighbors Portal MOU — ${agency.name}`,
        receivedAt: day(),
        pages: paged,
      })
    } else if (roll < 17) {
      // Email threads: 5 pages, each a message.
      const pages = Array.from({ length: 5 }, () => {
        const from = person()
        const body = Array.from({ length: between(8, 14) }, () => fill(pick(EMAIL_SENTENCES), agency)).join(' ')
        return `From: ${from} <${from.toLowerCase().replace(/[^a-z]+/g, '.')}@ring.com>\nTo: ${person()}, ${pick(ROLES)}, ${agency.name}\nDate: ${longDate(day())}\nSubject: Re: Neighbors partnership\n\n${body}\n\n${from}\nCommunity Partnerships, Ring`
      })
      documents.push({ kind: 'correspondence', agency: agencyIndex, title: `Emails with Ring, ${agency.city}`, receivedAt: day(), pages })
    } else {
      // Invoices: 5 pages of line items.
      const pages = Array.from({ length: 5 }, (_, page) => {
        const lines = Array.from({ length: between(10, 20) }, () => {
          const quantity = between(1, 50)
          const price = between(20, 250)
          return `${pick(INVOICE_ITEMS)}    qty ${quantity}    unit $${price}.00    total $${quantity * price}.00`
        })
        return `INVOICE ${between(100000, 999999)}\nBill to: ${agency.name}, ${agency.city}, ${agency.state}\nPurchase order ${between(1000, 9999)} approved ${longDate(day())}\n\n${lines.join('\n')}\n\nPayment due net 30 days. Page ${page + 1} of 5`
      })
      documents.push({ kind: 'invoice', agency: agencyIndex, title: `Ring invoice — ${agency.name}`, receivedAt: day(), pages })
    }
  }
  return documents
}
