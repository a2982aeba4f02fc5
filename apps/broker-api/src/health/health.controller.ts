import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { API_TAGS } from '../api-docs/api-docs';
import { ApiErrorResponses } from '../api-docs/api-error-responses';
import * as docs from '../api-docs/api-schemas';
import type { Response } from 'express';
import { PublicRoute } from '../message-signatures/public-route.decorator';
import { HealthReport, HealthService } from './health.service';

/** Health over mutual TLS, for any registered client; orchestrators use the plain ops port instead. */
@ApiTags(API_TAGS.health)
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @ApiOperation({
    summary: 'Database, Redis, release worker and CRL status',
    description:
      'For any registered client; outside /v1, so no request signature is needed. `degraded` still serves.',
  })
  @ApiOkResponse({
    description: 'ok or degraded.',
    content: docs.jsonOf('HealthReport', { ok: docs.EXAMPLE_HEALTH }),
  })
  @ApiServiceUnavailableResponse({
    description: 'down: the broker cannot serve.',
    content: docs.jsonOf('HealthReport', { down: docs.EXAMPLE_HEALTH_DOWN }),
  })
  @ApiErrorResponses({})
  @Get()
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.health.check();
    response.status(report.status === 'down' ? 503 : 200);
    return report;
  }
}
