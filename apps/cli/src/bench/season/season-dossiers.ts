import { generateDossier, passesElfproef } from '@app/oso-dataset/generator';

/**
 * The season's dossiers without generating one per pupil (≈5 ms each for a small one, far more for the
 * 170 KB kind: more than the broker's own work): a few templates per route and size, generated once for
 * a placeholder school, each pupil's copy made by putting in the sending school's code and the pupil's
 * own BSN. The copy is still a dossier the broker accepts (the generator's valid XML; only the school's
 * code and an elfproef-valid BSN change), and every pupil is unique, so every staging is new content.
 */

/** How the sending school gives the inzage and who decides: the three routes of the season. */
export type SeasonRoute = 'po-vo' | 'vo-vo' | 'vo-vo-16';

/** The dossier sizes of the mix, by their attachments (cat_bijlagedocs). */
export const DOSSIER_SIZES = {
  /** ≈18 KB: a dossier with one short report. */
  small: { count: 1, bytesEach: 1024 },
  /** ≈55 KB. */
  medium: { count: 4, bytesEach: 8 * 1024 },
  /** ≈180 KB: about the official POVO example (the 170 KB dossier). */
  typical: { count: 15, bytesEach: 8 * 1024 },
} as const;
export type DossierSize = keyof typeof DOSSIER_SIZES;

/** The days the acts happen on (all past, so the gate counts them at once), as the demo has them. */
export const SEASON_DAYS = { inzage: '2024-06-10', consent: '2024-06-11', dossier: '2024-06-14' } as const;
/** A pupil of the 16+ route: 16 before the inzage, so she receives it and decides herself. */
export const BIRTH_DATE_16_PLUS = '2008-03-08';

/** The template's school: replaced by the sending school's code in every copy. */
const PLACEHOLDER = { brin: '99ZZ', vestiging: '99' } as const;
const PLACEHOLDER_SCHOOL = new RegExp(
  `<brincode>${PLACEHOLDER.brin}</brincode>(\\s*)<vestigingscode>${PLACEHOLDER.vestiging}</vestigingscode>`,
  'g',
);

interface Template {
  /** The XML split around the template pupil's `<bsn>`: the pupil's own goes in between. */
  before: string;
  after: string;
  geboortedatum: string;
}

export interface SeasonDossier {
  bytes: Buffer;
  pupil: { bsn: string; geboortedatum: string };
}

export class SeasonDossiers {
  private readonly templates = new Map<string, Template>();
  private nextHead: number;

  /** `firstBsnHead`: where this run's BSNs start (8 digits), so runs on one database do not collide. */
  constructor(firstBsnHead: number) {
    this.nextHead = firstBsnHead;
  }

  /** The dossier for one pupil: the template of the route and size, for the school, with a new BSN. */
  forPupil(route: SeasonRoute, size: DossierSize, sourceSchool: string): SeasonDossier {
    const template = this.template(route, size);
    const bsn = this.nextBsn();
    const school = `<brincode>${sourceSchool.slice(0, 4)}</brincode>$1<vestigingscode>${sourceSchool.slice(4)}</vestigingscode>`;
    const xml = `${template.before}<bsn>${bsn}</bsn>${template.after}`.replace(PLACEHOLDER_SCHOOL, school);
    return { bytes: Buffer.from(xml, 'utf8'), pupil: { bsn, geboortedatum: template.geboortedatum } };
  }

  /** The next BSN of this run: eight digits counted up, the ninth the elfproef's check digit. */
  nextBsn(): string {
    for (;;) {
      const head = String(this.nextHead++);
      if (head.length !== 8) throw new Error('the run ran out of BSNs: start lower');
      let sum = 0;
      for (let index = 0; index < 8; index++) sum += Number(head[index]) * (9 - index);
      const check = sum % 11;
      if (check === 10) continue;
      const bsn = head + String(check);
      if (passesElfproef(bsn)) return bsn;
    }
  }

  private template(route: SeasonRoute, size: DossierSize): Template {
    const key = `${route}/${size}`;
    const known = this.templates.get(key);
    if (known) return known;
    const generated = generateDossier({
      profile: route === 'po-vo' ? 'POVO' : 'VOVO',
      // One seed per template: different content across routes and sizes.
      seed: this.templates.size + 1,
      school: PLACEHOLDER,
      date: SEASON_DAYS.dossier,
      attachments: DOSSIER_SIZES[size],
      ...(route === 'vo-vo-16' ? { pupil: { geboortedatum: BIRTH_DATE_16_PLUS } } : {}),
      // VO→VO: the block records the consent the school will record as evidence.
      inzage:
        route === 'po-vo' ? { datum: SEASON_DAYS.inzage } : { datum: SEASON_DAYS.inzage, toestemming: 'Ja' },
    });
    const marker = `<bsn>${generated.pupil.bsn}</bsn>`;
    const at = generated.xml.indexOf(marker);
    if (at < 0 || generated.xml.indexOf(marker, at + 1) >= 0) {
      throw new Error(`template ${key}: the pupil's BSN is not in the dossier exactly once`);
    }
    const template = {
      before: generated.xml.slice(0, at),
      after: generated.xml.slice(at + marker.length),
      geboortedatum: generated.pupil.geboortedatum,
    };
    this.templates.set(key, template);
    return template;
  }
}
