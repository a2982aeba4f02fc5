import type { SchoolSector } from '@app/registry';

/**
 * Whether a dossier's transfer profile fits the two schools of a transfer. The profile names the
 * sending and receiving level (POVO: primary to secondary); a special-education school sends and
 * receives at its level (SO as primary, VSO as secondary), as the official POVO example, sent by an
 * SO school, shows. Only transfers between schools go through this exchange: a swv-dossier goes to a
 * samenwerkingsverband, not to a school.
 */
const LEVEL_SECTORS: Record<string, readonly SchoolSector[]> = {
  PO: ['PO', 'SO'],
  VO: ['VO', 'VSO'],
};

export const EXCHANGEABLE_KINDS = ['overstapdossier', 'overdrachtbinnenbrin'] as const;

interface SchoolSide {
  brin: string;
  sector: SchoolSector;
}

/** Why the profile does not fit, or null when it does. `target` is absent when staging before a request. */
export function profileMisfit(
  dossier: { profile: string; overdrachtsoort: string },
  source: SchoolSide,
  target?: SchoolSide,
): string | null {
  if (!(EXCHANGEABLE_KINDS as readonly string[]).includes(dossier.overdrachtsoort)) {
    return `a ${dossier.overdrachtsoort || 'dossier without overdrachtsoort'} is not exchanged between schools; only ${EXCHANGEABLE_KINDS.join(' and ')}`;
  }
  const from = dossier.profile.slice(0, 2);
  const to = dossier.profile.slice(2);
  if (!LEVEL_SECTORS[from] || !LEVEL_SECTORS[to]) {
    return `profile ${dossier.profile || '(none)'} is not exchanged here; only POPO, POVO and VOVO`;
  }
  if (!LEVEL_SECTORS[from].includes(source.sector)) {
    return `profile ${dossier.profile} is sent by a ${from} school, but the sending school is ${source.sector}`;
  }
  if (!target) return null;
  if (!LEVEL_SECTORS[to].includes(target.sector)) {
    return `profile ${dossier.profile} goes to a ${to} school, but the receiving school is ${target.sector}`;
  }
  if (dossier.overdrachtsoort === 'overdrachtbinnenbrin' && source.brin !== target.brin) {
    return 'an overdrachtbinnenbrin stays within one BRIN, but the two schools have different BRINs';
  }
  return null;
}
