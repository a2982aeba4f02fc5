import { AuthenticatedClient } from '@app/pki';
import { RegistryService, formatSchoolCode } from '@app/registry';
import { Controller, Get } from '@nestjs/common';
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
@Controller('v1/whoami')
export class WhoamiController {
  constructor(private readonly registry: RegistryService) {}

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
