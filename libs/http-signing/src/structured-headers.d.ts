/**
 * Types for the part of `structured-headers` (v2, RFC 8941/9651) this library uses. The package ships
 * its types only through `exports`, which the repository's `moduleResolution` (node10, from
 * `module: commonjs`) does not read, so TypeScript cannot find them. At run time Node and Jest do follow
 * `exports` and load the package's CommonJS build. Copied from the package's own `dist/*.d.ts`.
 */
declare module 'structured-headers' {
  export class Token {
    constructor(value: string);
    toString(): string;
  }
  export class DisplayString {
    constructor(value: string);
    toString(): string;
  }
  export type BareItem = number | string | Token | BufferSource | Date | boolean | DisplayString;
  export type Parameters = Map<string, BareItem>;
  export type Item = [BareItem, Parameters];
  export type InnerList = [Item[], Parameters];
  export type List = (InnerList | Item)[];
  export type Dictionary = Map<string, Item | InnerList>;

  export function parseDictionary(input: string): Dictionary;
  export function parseList(input: string): List;
  export function parseItem(input: string): Item;
  export function serializeDictionary(input: Dictionary): string;
  export function serializeList(input: List): string;
  export function serializeItem(input: Item): string;
  export function serializeInnerList(input: InnerList): string;
  export function isInnerList(input: Item | InnerList): input is InnerList;
  export class ParseError extends Error {}
}
