import { passesElfproef } from '../rules/pupil.rules';
import { SeededRandom } from './seeded-random';

export { passesElfproef };

/** The elfproef's weighted sum of the first eight digits (weights 9 down to 2). */
function weightedHead(head: string): number {
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += Number(head[index]) * (9 - index);
  return sum;
}

/**
 * A BSN that passes the elfproef: eight digits from the random source, the ninth chosen so that the
 * weighted sum (last digit weighted -1) is a multiple of 11. Heads whose check digit would be 10 are
 * drawn again. Synthetic: nothing ties it to a real person (no list is consulted), but a real BSN may
 * be equal by chance, as with any valid number.
 */
export function syntheticBsn(random: SeededRandom): string {
  for (;;) {
    // Never a leading zero, so that the number stays nine digits wherever it is read as a number.
    const head = String(random.int(1, 6)) + random.digits(7);
    const check = weightedHead(head) % 11;
    if (check === 10) continue;
    const bsn = head + String(check);
    if (passesElfproef(bsn)) return bsn;
  }
}

/**
 * DUO's onderwijsnummer, for pupils without a BSN: nine digits starting with 10, whose elfproef sum
 * (all weights positive, 9 down to 1) leaves remainder 5 when divided by 11.
 */
export function passesOnderwijsnummerProef(number: string): boolean {
  if (!/^10[0-9]{7}$/.test(number)) return false;
  return (weightedHead(number) + Number(number[8])) % 11 === 5;
}

/**
 * A synthetic onderwijsnummer. Its last digit is never 8: with remainder 5 that is exactly the digit
 * that would make the number pass the BSN elfproef as well, and a number must not be taken for both.
 */
export function syntheticOnderwijsnummer(random: SeededRandom): string {
  for (;;) {
    const head = `10${random.digits(6)}`;
    const check = (((5 - weightedHead(head)) % 11) + 11) % 11;
    if (check >= 10 || check === 8) continue;
    return head + String(check);
  }
}

/** A BRIN code as the schema has it: two digits, two capitals (without I and O, which read like 1 and 0). */
export function syntheticBrin(random: SeededRandom): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return random.digits(2) + random.pick([...letters]) + random.pick([...letters]);
}
