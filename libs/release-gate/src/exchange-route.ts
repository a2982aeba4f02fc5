import type { SchoolSector } from '@app/registry';

/** Which law governs the sender: the primary-school rules (WPO, and SO under the WEC) or the secondary ones. */
export type SenderRules = 'PO' | 'VO';
/** Where the dossier goes, from the second half of the transfer profile (code list 16). */
export type ReceivingLevel = 'PO' | 'VO' | 'MBO' | 'HO' | 'WEC';

export interface ExchangeRoute {
  rules: SenderRules;
  sendingSector: SchoolSector;
  receivingLevel: ReceivingLevel;
}

/** The profile's sending half names a level; a WEC (special-education) profile leaves it to the school's sector. */
const SENDER_SECTORS: Record<string, readonly SchoolSector[]> = {
  PO: ['PO', 'SO'],
  VO: ['VO', 'VSO'],
  WEC: ['SO', 'VSO'],
};
const RULES_OF_SECTOR: Partial<Record<SchoolSector, SenderRules>> = {
  PO: 'PO',
  SO: 'PO',
  VO: 'VO',
  VSO: 'VO',
};
const RECEIVING_LEVELS: Record<string, ReceivingLevel> = {
  PO: 'PO',
  VO: 'VO',
  MBO: 'MBO',
  HBO: 'HO',
  WO: 'HO',
  WEC: 'WEC',
};

/**
 * The route a profile takes from a school of `sendingSector`, or why the gate cannot decide it. Profiles that
 * are not a transfer between schools (VSPO from pre-school, POSWV/VOSWV to a samenwerkingsverband, OVERIG)
 * have no release rules here.
 */
export function exchangeRouteOf(
  profile: string,
  sendingSector: SchoolSector,
): ExchangeRoute | { misfit: string } {
  const from = Object.keys(SENDER_SECTORS).find((level) => profile.startsWith(level));
  const receivingLevel = from ? RECEIVING_LEVELS[profile.slice(from.length)] : undefined;
  if (!from || !receivingLevel) {
    return {
      misfit: `profile ${profile || '(none)'} is not a transfer between schools that this gate decides`,
    };
  }
  const rules = RULES_OF_SECTOR[sendingSector];
  if (!rules || !SENDER_SECTORS[from].includes(sendingSector)) {
    return { misfit: `profile ${profile} is not sent by a ${sendingSector} school` };
  }
  return { rules, sendingSector, receivingLevel };
}
