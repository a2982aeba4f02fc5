import type { BenchVendor, Sector } from '../load/bench-broker';
import type { DossierSize, SeasonRoute } from './season-dossiers';

/**
 * Who moves where in the season: pupil `index` gets a route (mostly PO→VO), a dossier size and a sending
 * and receiving school with the vendor acting for each. Deterministic and cheap (nothing kept per pupil):
 * low-discrepancy sequences spread the routes and sizes evenly over the run.
 */

/** A school with the vendor that acts for it. */
export interface SchoolSeat {
  school: string;
  vendor: number;
}

export interface PupilPlan {
  index: number;
  route: SeasonRoute;
  size: DossierSize;
  source: SchoolSeat;
  target: SchoolSeat;
  /** The sending school never records the inzage: the gate must hold the dossier back. */
  withheld: boolean;
}

export interface SeasonMix {
  /** Share of pupils moving VO→VO (with consent); the rest move PO→VO. */
  voToVoShare: number;
  /** Of the VO→VO pupils, the share of 16 or older, who receive the inzage and consent themselves. */
  sixteenPlusShare: number;
  /** Shares of the dossier sizes (the rest is `typical`). */
  smallShare: number;
  mediumShare: number;
}

export const DEFAULT_MIX: SeasonMix = {
  voToVoShare: 0.1,
  sixteenPlusShare: 1 / 3,
  smallShare: 0.2,
  mediumShare: 0.4,
};

/** Fractional parts of multiples of these irrationals fill [0, 1) evenly (Weyl sequences). */
const ROUTE_STEP = 0.6180339887498949;
const SIZE_STEP = 0.7548776662466927;
const SIXTEEN_STEP = 0.5698402909980532;

const fraction = (index: number, step: number) => (index * step) % 1;

export class SeasonPlan {
  private readonly po: SchoolSeat[] = [];
  private readonly vo: SchoolSeat[] = [];
  private readonly withheld: Set<number>;
  /** Sector of each school code (to tell VO→VO transfers in the exchange log). */
  readonly sectors = new Map<string, Sector>();

  constructor(
    vendors: readonly BenchVendor[],
    private readonly pupils: number,
    withhold: number,
    private readonly mix: SeasonMix = DEFAULT_MIX,
  ) {
    vendors.forEach((vendor, index) => {
      for (const school of vendor.schools) {
        // A school mandated to several vendors is served by the first: one LAS per school.
        if (this.sectors.has(school.code)) continue;
        this.sectors.set(school.code, school.sector);
        (school.sector === 'PO' ? this.po : this.vo).push({ school: school.code, vendor: index });
      }
    });
    if (this.po.length === 0 || this.vo.length < 2) {
      throw new Error('the season needs at least one PO school and two VO schools in the registry');
    }
    // Spread over the run, so the withheld ones are among the others, not at the end.
    this.withheld = new Set(
      Array.from({ length: Math.min(withhold, pupils) }, (_, k) =>
        Math.floor(((k + 0.5) * pupils) / withhold),
      ),
    );
  }

  get schools(): number {
    return this.po.length + this.vo.length;
  }

  pupil(index: number): PupilPlan {
    const voToVo = fraction(index, ROUTE_STEP) < this.mix.voToVoShare;
    const route: SeasonRoute = !voToVo
      ? 'po-vo'
      : fraction(index, SIXTEEN_STEP) < this.mix.sixteenPlusShare
        ? 'vo-vo-16'
        : 'vo-vo';
    const sized = fraction(index, SIZE_STEP);
    const size: DossierSize =
      sized < this.mix.smallShare
        ? 'small'
        : sized < this.mix.smallShare + this.mix.mediumShare
          ? 'medium'
          : 'typical';
    const targetAt = (index * 31 + 7) % this.vo.length;
    const target = this.vo[targetAt];
    // VO→VO: another VO school than the receiving one.
    const source = voToVo
      ? this.vo[(targetAt + 1 + (index % (this.vo.length - 1))) % this.vo.length]
      : this.po[index % this.po.length];
    return { index, route, size, source, target, withheld: this.withheld.has(index) };
  }

  get withheldCount(): number {
    return this.withheld.size;
  }

  get pupilCount(): number {
    return this.pupils;
  }
}
