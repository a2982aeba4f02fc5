import { SignedClient, signRequest, messageSigningKey } from '@app/http-signing';
import { generateDossier } from '@app/oso-dataset/generator';
import { Agent, request as httpsRequest } from 'node:https';
import type { BenchVendor } from '../../apps/cli/src/bench/load/bench-broker';
import type { Haystack } from './personal-data';

/**
 * Requests of the kind the attack suite (test/attacks) sends that make the broker answer with an error,
 * each carrying a pupil's personal data: a BSN failing the elfproef, a malformed dossier, an unknown
 * field holding the pupil's name, a birth date in the wrong format, another pupil's dossier, another
 * school's dossier, a BSN as an evidence label, a body that is not the one signed, a replayed nonce, a
 * school the vendor has no mandate for, broken JSON. What the vendor received is kept for the search.
 */

export interface AttackAnswer {
  label: string;
  status: number;
  body: string;
}

export interface PrivacyAttacks {
  answers: AttackAnswer[];
  /** The dossiers (XML) whose pupils the requests carried: their data are needles. */
  dossiers: string[];
  /** Pupil data sent that is in no dossier (a BSN failing the elfproef). */
  extraBsns: string[];
}

const DOSSIER_DATE = '2024-06-14';

export async function runPrivacyAttacks(
  baseUrl: string,
  caPem: string,
  brokerCertificatePem: string,
  vendor: BenchVendor,
  stranger: BenchVendor,
): Promise<PrivacyAttacks> {
  const po = vendor.schools.find((school) => school.sector === 'PO')!;
  const vo = vendor.schools.find((school) => school.sector === 'VO')!;
  const strangersVo = stranger.schools.find((school) => school.sector === 'VO')!;
  const client = new SignedClient({
    certificatePem: vendor.certificatePem,
    keyPem: vendor.keyPem,
    caPem,
    brokerCertificatePem,
  });
  const made = (seed: number) => {
    const dossier = generateDossier({
      profile: 'POVO',
      seed,
      school: { brin: po.code.slice(0, 4), vestiging: po.code.slice(4) },
      date: DOSSIER_DATE,
      inzage: { datum: '2024-06-10' },
    });
    const { bsn, geboortedatum } = dossier.pupil;
    if (!bsn) throw new Error('the generated dossier has no BSN');
    return { xml: dossier.xml, pupil: { bsn, geboortedatum } };
  };
  const pupilA = made(701);
  const pupilB = made(702);
  const pupilC = made(703);
  const answers: AttackAnswer[] = [];
  const call = async (
    label: string,
    method: string,
    path: string,
    body?: Buffer | object,
    nonce?: string,
  ) => {
    const bytes =
      body === undefined
        ? undefined
        : Buffer.isBuffer(body)
          ? body
          : Buffer.from(JSON.stringify(body), 'utf8');
    const contentType = Buffer.isBuffer(body) ? 'application/xml' : 'application/json';
    const response = await client.request(new URL(path, baseUrl), {
      method,
      body: bytes,
      headers: bytes ? { 'content-type': contentType } : {},
      nonce,
    });
    const answer = { label, status: response.status, body: response.body.toString('utf8') };
    answers.push(answer);
    return answer;
  };
  const requestFor = (pupil: { bsn: string; geboortedatum: string }, targetSchool = vo.code) => ({
    targetSchool,
    sourceSchool: po.code,
    pupil,
    reason: 'overstap',
  });
  const failingBsn = `${pupilA.pupil.bsn.slice(0, 8)}${(Number(pupilA.pupil.bsn[8]) + 1) % 10}`;

  try {
    await call(
      'request: a BSN failing the elfproef',
      'POST',
      '/v1/transfers',
      requestFor({ ...pupilA.pupil, bsn: failingBsn }),
    );
    await call(
      'request: a school without mandate',
      'POST',
      '/v1/transfers',
      requestFor(pupilA.pupil, strangersVo.code),
    );
    await call(
      'request: broken JSON',
      'POST',
      '/v1/transfers',
      Buffer.from(`{"pupil":{"bsn":"${pupilA.pupil.bsn}","geboortedatum":"${pupilA.pupil.geboortedatum}"`),
    );
    const created = await call('request (accepted)', 'POST', '/v1/transfers', requestFor(pupilA.pupil));
    const id = String((JSON.parse(created.body) as { id?: string }).id);
    const stage = (label: string, xml: string) =>
      call(label, 'PUT', `/v1/transfers/${id}/dossier`, Buffer.from(xml));
    const leerling = pupilA.xml.indexOf('<leerling>');
    await stage('staging: a malformed dossier (cut off in the pupil)', pupilA.xml.slice(0, leerling + 400));
    const name = /<voornaam>([^<]+)<\/voornaam>[\s\S]*?<achternaam>([^<]+)<\/achternaam>/.exec(pupilA.xml)!;
    await stage(
      'staging: an unknown field holding the pupil’s name',
      pupilA.xml.replace('<leerling>', `<leerling><bijnaam>${name[1]} ${name[2]}</bijnaam>`),
    );
    const [year, month, day] = pupilA.pupil.geboortedatum.split('-');
    await stage(
      'staging: the birth date in the wrong format',
      pupilA.xml.replace(
        `<geboortedatum>${pupilA.pupil.geboortedatum}</geboortedatum>`,
        `<geboortedatum>${day}-${month}-${year}</geboortedatum>`,
      ),
    );
    await stage('staging: another pupil’s dossier', pupilB.xml);
    const otherSchool =
      vendor.schools.find((school) => school.sector === 'PO' && school.code !== po.code) ?? vo;
    await stage(
      'staging: another school’s dossier',
      pupilA.xml.replace(
        new RegExp(
          `<brincode>${po.code.slice(0, 4)}</brincode>(\\s*)<vestigingscode>${po.code.slice(4)}</vestigingscode>`,
          'g',
        ),
        `<brincode>${otherSchool.code.slice(0, 4)}</brincode>$1<vestigingscode>${otherSchool.code.slice(4)}</vestigingscode>`,
      ),
    );
    const staged = await stage('staging (accepted)', pupilA.xml);
    const versionHash = (JSON.parse(staged.body) as { version?: { canonicalSha256?: string } }).version
      ?.canonicalSha256;
    await call('evidence: a BSN as the label of who saw it', 'POST', `/v1/transfers/${id}/evidence`, {
      versionHash,
      receivingSchool: vo.code,
      kind: 'inzage',
      date: '2024-06-10',
      givenTo: { role: 'parent_with_gezag', ref: pupilA.pupil.bsn },
      how: 'letter',
    });
    answers.push(
      await bodyNotSigned(baseUrl, caPem, vendor, requestFor(pupilB.pupil), requestFor(pupilC.pupil)),
    );
    const nonce = 'privacy-replay-nonce-0001';
    await call('request (first use of a nonce)', 'POST', '/v1/transfers', requestFor(pupilC.pupil), nonce);
    await call('request: the nonce replayed', 'POST', '/v1/transfers', requestFor(pupilC.pupil), nonce);
  } finally {
    client.close();
  }
  return { answers, dossiers: [pupilA.xml, pupilB.xml, pupilC.xml], extraBsns: [failingBsn] };
}

/** A request signed over one body (pupil B) that sends another (pupil C): the digest does not match. */
async function bodyNotSigned(
  baseUrl: string,
  caPem: string,
  vendor: BenchVendor,
  signedBody: object,
  sentBody: object,
): Promise<AttackAnswer> {
  const url = new URL('/v1/transfers', baseUrl);
  const signedBytes = Buffer.from(JSON.stringify(signedBody));
  const sentBytes = Buffer.from(JSON.stringify(sentBody));
  const signed = await signRequest(
    {
      method: 'POST',
      url: url.toString(),
      headers: { 'content-type': 'application/json' },
      body: signedBytes,
    },
    { key: messageSigningKey(vendor.keyPem, vendor.certificatePem), now: new Date() },
  );
  const agent = new Agent({ cert: vendor.certificatePem, key: vendor.keyPem, ca: caPem });
  try {
    return await new Promise<AttackAnswer>((resolve, reject) => {
      const headers = {
        ...(signed.headers as Record<string, string | string[]>),
        'content-length': String(sentBytes.length),
      };
      const req = httpsRequest(url, { method: 'POST', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            label: 'request: a body other than the one signed',
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(sentBytes);
    });
  } finally {
    agent.destroy();
  }
}

export function answerHaystacks(answers: readonly AttackAnswer[]): Haystack[] {
  return answers.map((answer) => ({
    where: `answer to "${answer.label}" (${answer.status})`,
    text: answer.body,
  }));
}
