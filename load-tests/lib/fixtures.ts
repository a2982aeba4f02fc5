import { manifest, schoolOf } from './broker.ts';
import { templatesOf } from './dossiers.ts';
import { freshDossier, requestTransfer } from './exchange.ts';

/** What the read scenarios read: open requests, each with the vendor that receives it. */
export interface ReadFixture {
  transfers: Array<{ id: string; receiver: number; sender: number }>;
}

/** `count` requests (SETUP_TRANSFERS overrides) from every vendor's VO school to the next vendor's PO school. */
export async function openRequests(count: number): Promise<ReadFixture> {
  const wanted = Number(__ENV.SETUP_TRANSFERS || count);
  const entry = templatesOf('POVO')[0];
  const vendors = manifest.vendors;
  const transfers: ReadFixture['transfers'] = [];
  for (let index = 0; index < wanted; index++) {
    const receiver = index % vendors.length;
    const sender = (index + 1) % vendors.length;
    const sourceSchool = schoolOf(vendors[sender], 'PO', index);
    const { bsn } = freshDossier(entry, sourceSchool);
    const id = await requestTransfer(
      vendors[receiver],
      schoolOf(vendors[receiver], 'VO', index),
      sourceSchool,
      {
        bsn,
        geboortedatum: entry.geboortedatum,
      },
    );
    if (id !== null) transfers.push({ id, receiver, sender });
  }
  if (transfers.length === 0) throw new Error('setup: the broker refused every request (see the checks)');
  return { transfers };
}
