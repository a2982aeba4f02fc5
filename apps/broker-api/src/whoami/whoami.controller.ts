import { AuthenticatedClient, CachedRegistryReads } from '@app/pki';
import { formatSchoolCode } from '@app/registry';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import { Client } from '../client-authentication/authenticated-client.decorator';

export interface WhoamiResponse {
  kind: 'vendor' | 'auditor';
  id: string;
  name: string;
  certificate: { fingerprintSha256: string; serial: string; notAfter: string };
  /** For vendors: the schools that mandate them now. Auditors act for no school. */
  mandatedSchools: Array<{ school: string; brin: string; vestiging: string; name: string; sector: string }>;
}

/** Lets a vendor check its set-up: which identity its certificate carries and for which schools it may act. */
@ApiTags(API_TAGS.onboarding)
@Controller('v1/whoami')
export class WhoamiController {
  constructor(private readonly registry: CachedRegistryReads) {}

  @ApiOperation({
    summary: 'Who your certificate says you are, and for which schools you may act',
    description: 'The certificate’s fingerprint is the `keyid` to sign with.',
  })
  @ApiOkResponse({
    description: 'Your identity.',
    content: docs.jsonOf('Whoami', { vendor: docs.EXAMPLE_WHOAMI }),
  })
  @ApiErrorResponses({ signed: true })
  @Get()
  async whoami(@Client() client: AuthenticatedClient): Promise<WhoamiResponse> {
    const certificate = {
      fingerprintSha256: client.certificate.fingerprintSha256,
      serial: client.certificate.serial,
      notAfter: client.certificate.notAfter.toISOString(),
    };
    if (client.kind === 'auditor') {
      return {
        kind: 'auditor',
        id: client.auditorName,
        name: client.auditorName,
        certificate,
        mandatedSchools: [],
      };
    }
    const schools = await this.registry.mandatedSchools(client.vendorId);
    return {
      kind: 'vendor',
      id: client.vendorId,
      name: client.vendorName,
      certificate,
      mandatedSchools: schools.map((school) => ({
        school: formatSchoolCode(school),
        brin: school.brin,
        vestiging: school.vestiging,
        name: school.name,
        sector: school.sector,
      })),
    };
  }
}
