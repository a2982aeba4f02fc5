import { Injectable, PipeTransform } from '@nestjs/common';

/**
 * A transfer id is a UUID, and RFC 9562 §4 makes its hex digits case-insensitive: an id in capitals
 * names the same transfer. The broker hands ids out in lower case and looks them up that way.
 */
@Injectable()
export class TransferIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return value.toLowerCase();
  }
}
