import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { SignedRequest } from './request-signature.guard';

export interface EchoResponse {
  keyId: string;
  label: string;
  algorithm: string;
  coveredComponents: string[];
  created: string;
  nonce: string;
  targetUri: string;
  contentDigest: Array<{ algorithm: string; value: string }> | null;
  bodyBytes: number;
}

/**
 * Onboarding aid (as Erasmus Without Paper offers it): answers a signed request with what the broker
 * verified, so a vendor can see which key, components and digest its signature was checked against.
 * An unsigned or badly signed request gets the guard's 401 with the exact reason.
 */
@Controller('v1/echo')
export class EchoController {
  @Post()
  @HttpCode(200)
  echo(@Req() request: SignedRequest): EchoResponse {
    const signature = request.signature!;
    return {
      keyId: signature.keyId,
      label: signature.label,
      algorithm: signature.algorithm,
      coveredComponents: signature.coveredComponents,
      created: signature.created.toISOString(),
      nonce: signature.nonce,
      targetUri: signature.targetUri,
      contentDigest: signature.digest ?? null,
      bodyBytes: request.rawBody?.length ?? 0,
    };
  }
}
