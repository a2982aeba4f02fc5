/** Facts of the OSO gegevensset 2019.1 that the broker relies on. */
export const OSO_NAMESPACE = 'http://www.edustandaard.nl/oso_gegevensset/2019/dossier';
export const OSO_STANDAARDVERSIE = '2019.1';
/** The official validator's release for this standard version, as every official example declares it. */
export const OSO_VALIDATIEVERSIE = '2019.1.1';

/** The sending sector is the first part of the transfer profile (code list 16), e.g. POVO → PO. */
export type SendingSector = 'PO' | 'VO' | 'SO' | 'VSO' | 'MBO' | 'SWV' | 'OTHER';

export function sendingSectorOf(overstap: string): SendingSector {
  for (const sector of ['VSO', 'PO', 'VO', 'SO', 'MBO'] as const) {
    if (overstap.startsWith(sector)) return sector;
  }
  return 'OTHER';
}
