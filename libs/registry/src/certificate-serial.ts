/** Serials are compared as lower-case hex without leading zeros, however a user typed them. */
export function normalizeSerial(serial: string): string {
  const hex = serial.trim().toLowerCase().replace(/[:\s]/g, '').replace(/^0x/, '');
  return hex.replace(/^0+(?=.)/, '');
}
