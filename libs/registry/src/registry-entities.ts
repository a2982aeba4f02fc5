import { AuditorEntity } from './auditor.entity';
import { ClientCertificateEntity } from './client-certificate.entity';
import { MandateEntity } from './mandate.entity';
import { SchoolEntity } from './school.entity';
import { VendorEntity } from './vendor.entity';

export const REGISTRY_ENTITIES = [
  VendorEntity,
  SchoolEntity,
  MandateEntity,
  AuditorEntity,
  ClientCertificateEntity,
];
