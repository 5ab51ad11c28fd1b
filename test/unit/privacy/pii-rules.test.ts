import t from 'tap'
import { detectPii, type PiiKind } from '../../../src/modules/privacy/pii-detectors.js'

const found = (text: string, kind: PiiKind) =>
  detectPii(text)
    .filter((span) => span.kind === kind)
    .map((span) => span.text)

t.test('emails: the agency’s own domains are left alone, OCR-split addresses are found', async (t) => {
  const letter =
    'From: Records Unit <foia@millbrookpd.example.net>\nCc: Sgt. Ada Pruitt <apruitt@millbrook.example.net>\n\nThe resident wrote from kb.oduya@gmail.com and asked us to copy kb2@millbrook.example.net.'
  t.same(found(letter, 'email'), ['kb.oduya@gmail.com'], 'a domain a staff member or an office writes from is the agency’s')
  t.same(found('Contact: records@townhall.example.com or me at lee.w@outlook.com', 'email'), ['lee.w@outlook.com'])
  t.same(found('Victim email: pbrandt@\n hotmail.com', 'email'), ['pbrandt@\n hotmail.com'])
  t.same(found('email on file: okwu77@aol .com (illegible)', 'email'), ['okwu77@aol .com'])
  t.same(found('Sgt. Ada Pruitt <apruitt@gmail.com> wrote', 'email'), ['apruitt@gmail.com'], 'a public mail provider is never the agency’s')
})

t.test('phones: joined, spaced, OCR-damaged, extension and international forms', async (t) => {
  t.same(found('my cell 3125550188, text me', 'phone'), ['3125550188'])
  t.same(found('Home: (312)5550190 / +1 312 5550191', 'phone'), ['(312)5550190', '+1 312 5550191'])
  t.same(found('Tel. ( 312 ) 555 - 0192', 'phone'), ['( 312 ) 555 - 0192'])
  t.same(found('Cell: 312-555-O193, work 312-555-0l94', 'phone'), ['312-555-O193', '312-555-0l94'])
  t.same(found('reach me at 312-555-0195 ext. 22 after six', 'phone'), ['312-555-0195 ext. 22'])
  t.same(found('my brother in London, +44 20 7946 0991', 'phone'), ['+44 20 7946 0991'])
  t.same(found('Case #2023004412 opened; report no. 3125550100', 'phone'), [], 'a labelled identifier is not a number to call')
  t.same(found('Order 0125550188 and 1125550188', 'phone'), [], 'run-together digits must look like an area code')
  t.same(found('Det. Ruiz, Burglary Unit, 312-555-0100 x 4.', 'phone'), [], 'an official’s number stays')
})

t.test('tables: a row is judged by its cell and its column header', async (t) => {
  const csv = [
    'id,officer,agency_phone,resident_name,resident_phone,resident_address',
    'R-1,Ofc. Lena Voss,(312) 555-0100,"Quist, Marta",312.555.0161,"77 Alder Way, Apt 2"',
    'R-2,Det. Omar Haile,(312) 555-0100,Jean-Luc Ferré,+1 312 555 0162,',
  ].join('\n')
  t.same(found(csv, 'phone'), ['312.555.0161', '+1 312 555 0162'])
  t.same(found(csv, 'person'), ['Quist, Marta', 'Jean-Luc Ferré'])
  t.same(found(csv, 'address'), ['77 Alder Way, Apt 2'])
  const aligned =
    'Req.      Requester           Contact\nP-1       Tomasz Wrona        twrona@gmail.com\nP-2       Ofc. Hale           (312) 555-0100'
  t.same(found(aligned, 'person'), ['Tomasz Wrona'], 'a space-aligned column beside a contact')
})

t.test('plates: a state before it, lic./tag words, partial plates; never a ZIP or a case number', async (t) => {
  t.same(found('a gray Civic, OH KRT 5521, left at 9', 'plate'), ['KRT 5521'])
  t.same(found('with a Georgia plate RGM 7710', 'plate'), ['RGM 7710'])
  t.same(found('WA lic. BFD2290 seen again', 'plate'), ['BFD2290'])
  t.same(found('NH 3381920 (blue Outback)', 'plate'), ['3381920'])
  t.same(found('a partial plate, starts with KX 41', 'plate'), ['KX 41'])
  t.same(found('Springfield, OH 45502 · (LPD 21-118804) · Box OR 97240', 'plate'), [])
  t.same(found('plate ZZT-4410 was seen twice; later NCIC on ZZT-4410 came back stolen', 'plate'), ['ZZT-4410', 'ZZT-4410'])
})

t.test('persons: titles, greetings, sign-offs, households, initials, family words — not officials', async (t) => {
  t.same(found('Spoke with Mrs. Okonjo-Bell about the van.', 'person'), ['Mrs. Okonjo-Bell'])
  t.same(found('Good morning Lior and Ms. Haddix,\nthanks for the clips.', 'person'), ['Lior', 'Ms. Haddix'])
  t.same(found('Hi Officer Brandt,\nhere is the video.\n\nThanks, Wren', 'person'), ['Wren'])
  t.same(found('> the car was there again\n>\n> — Ines', 'person'), ['Ines'])
  t.same(found('Neighbor: Tove & Anders Lindqvist, 12 Birch Ct', 'person'), ['Tove & Anders Lindqvist'])
  t.same(found('Posted by K. Abernathy · 0.2 mi', 'person'), ['K. Abernathy'])
  t.same(found('my husband Daoud saw it first', 'person'), ['Daoud'])
  t.same(found('Resident Ilse van der Berg called. Later Ilse sent more.', 'person'), ['Ilse van der Berg', 'Ilse'])
  t.same(found('Resident Zoë Ó Súilleabháin called back', 'person'), ['Zoë'], 'an unknown particle stops the name')
  t.same(found('Posted by Harlan County Sheriff · Verified agency', 'person'), [], 'an organisation is not a person')
  t.same(
    found('Det. Priya Nair asked Mr. Nair? No: Sgt. Nair wrote to Ms. Okafor.', 'person'),
    ['Ms. Okafor'],
    'a surname of an official stays',
  )
  t.same(found('Thanks,\nCapt. Ruth Ames\nPatrol Division', 'person'), [])
})

t.test('addresses: units, PO boxes, more street types; the agency’s address stays everywhere', async (t) => {
  t.same(found('she lives at 41 Tanner’s Landing Lot 9 now', 'address'), ['41 Tanner’s Landing Lot 9'])
  t.same(found('mail to my PO Box 5521, Glen Ellyn, IL 60137 please', 'address'), ['PO Box 5521, Glen Ellyn, IL 60137'])
  t.same(found('Resident: P.O. Box 88', 'address'), ['P.O. Box 88'])
  t.same(found('my place is 9 Kestrel Ridge, #4B', 'address'), ['9 Kestrel Ridge, #4B'])
  const letter =
    'Come by the station at 300 Civic Plaza any weekday.\n\nOfficer Dana Ruiz\nMillbrook Police Department\n300 Civic Plaza, Millbrook'
  t.same(found(letter, 'address'), [], 'shown as the agency’s in a signature, so not suggested in the sentence above either')
  t.same(
    found('Ofc. Tierney → Rosa Lindgren, 19 Quarry Hill Rd', 'address'),
    ['19 Quarry Hill Rd'],
    'a resident’s address right after their name in an officer’s log line',
  )
  t.same(found('Records Division, PO Box 100, Millbrook, IL 60100', 'address'), [], 'an office’s PO box')
})

t.test('addresses: a home block and a form’s address field', async (t) => {
  t.same(found('Witness lives in the 4100 block of NE Alder St, saw the van', 'address'), ['4100 block of NE Alder St'])
  t.same(found('Shots were reported in the 4100 block of NE Alder St.', 'address'), [], 'a block that only locates an event')
  const form = 'Millbrook Police Department — Consent form\nOfficer: Dana Ruiz #221\nAddr: 18 Wren Ct'
  t.same(found(form, 'address'), ['18 Wren Ct'], 'the person’s address field under an agency letterhead')
  t.same(found('Agency address: 300 Civic Plaza | Records Unit (312) 555-0100', 'address'), [], 'an agency’s address field')
  t.same(found('Millbrook PD, 300 Civic Plaza, Millbrook', 'address'), [])
})

t.test('a detective’s unit line makes the number beside it the agency’s', async (t) => {
  t.same(found('Lena Ortiz, Property Crimes, (312) 555-0100 x 4.', 'phone'), [])
  t.same(found('Lena Ortiz said her cell, (312) 555-0177, is best.', 'phone'), ['(312) 555-0177'])
})

t.test('a label before a number makes it a person’s, whatever office the passage names', async (t) => {
  t.same(found('Front desk, Records Division\n  Caller: Ana Ruiz   callback 737-555-0165', 'phone'), ['737-555-0165'])
  t.same(found('Det. Lowe reached her at home; phone of 360.555.0155 per the department.', 'phone'), ['360.555.0155'])
  t.same(found('Records Division, Police Department, 737-555-0100', 'phone'), [], 'no label: the office’s number')
})

t.test('semicolon exports: the columns say whose data a cell holds', async (t) => {
  const registry = [
    'reg_id;email;zip;phone;owner_last;owner_first;street;registered_by',
    'HB-1;tq@sbcglobal.example;94019;650-555-0135;Quintero;Teodoro;412 Alameda Dr;Ofc. L. Farrow #88',
  ].join('\n')
  t.same(found(registry, 'phone'), ['650-555-0135'], 'the officer in another column does not make the row official')
  t.same(found(registry, 'person'), ['Quintero', 'Teodoro'])
  const staff = ['id;officer_last;badge;phone', 'S-1;Farrow;88;650-555-0100'].join('\n')
  t.same(found(staff, 'person'), [], 'an officer column is not a resident column')
})

t.test('report labels, surname-first and capitals name the people a report is about', async (t) => {
  t.same(found('RP:               VOSS, HELENA KATHARINA\nW2: Name (L,F,M):  Salcedo, Rosario', 'person'), [
    'VOSS, HELENA KATHARINA',
    'Salcedo, Rosario',
  ])
  t.same(found('0720 | Theft | RP PATEL, NIKHIL @ 1126 Garfield Ave', 'person'), ['PATEL, NIKHIL'])
  t.same(found('RP: Sgt. Ada Pruitt #221', 'person'), [], 'an official as reporting party keeps her rank')
  t.same(found('Officer: HOLLAND, TRAVIS #88', 'person'), [], 'an officer’s label is not a resident’s')
})

t.test('people who name themselves or whom the text describes', async (t) => {
  t.same(found('SPEAKER: Good evening. My name is Gwendolyn Ashby-Reyes, I live on Larkspur.', 'person'), ['Gwendolyn Ashby-Reyes'])
  t.same(found('The first responding user, identified as Gary Lindahl, said', 'person'), ['Gary Lindahl'])
  t.same(found('ELEANOR BEAUCHAMP-TATE (DOB 03/11/1958) was home.', 'person'), ['ELEANOR BEAUCHAMP-TATE'])
  t.same(found('This is Det. Lowe returning your call.', 'person'), [], 'an official naming himself keeps his rank')
})
