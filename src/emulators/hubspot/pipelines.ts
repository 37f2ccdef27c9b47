import type { FastifyInstance } from 'fastify';
import { notFound } from './errors.ts';

/**
 * HubSpot's default deal and ticket pipelines as a new portal has them: stage ids, labels and the
 * `metadata` the pipelines API returns (deals: probability and isClosed; tickets: ticketState and isClosed,
 * all as strings, as HubSpot serialises them). `dealstage` and `hs_pipeline_stage` are validated against these.
 */
export interface PipelineStageDefinition {
  id: string;
  label: string;
  displayOrder: number;
  metadata: Record<string, string>;
}

export interface PipelineDefinition {
  id: string;
  label: string;
  displayOrder: number;
  stages: PipelineStageDefinition[];
}

const dealStage = (id: string, label: string, displayOrder: number, probability: string): PipelineStageDefinition => ({
  id,
  label,
  displayOrder,
  metadata: { isClosed: String(id === 'closedwon' || id === 'closedlost'), probability },
});

const ticketStage = (id: string, label: string, displayOrder: number, open: boolean): PipelineStageDefinition => ({
  id,
  label,
  displayOrder,
  metadata: { ticketState: open ? 'OPEN' : 'CLOSED', isClosed: String(!open) },
});

export const defaultPipelines: Readonly<Record<'deals' | 'tickets', readonly PipelineDefinition[]>> = {
  deals: [
    {
      id: 'default',
      label: 'Sales Pipeline',
      displayOrder: 0,
      stages: [
        dealStage('appointmentscheduled', 'Appointment Scheduled', 0, '0.2'),
        dealStage('qualifiedtobuy', 'Qualified To Buy', 1, '0.4'),
        dealStage('presentationscheduled', 'Presentation Scheduled', 2, '0.6'),
        dealStage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, '0.8'),
        dealStage('contractsent', 'Contract Sent', 4, '0.9'),
        dealStage('closedwon', 'Closed Won', 5, '1.0'),
        dealStage('closedlost', 'Closed Lost', 6, '0.0'),
      ],
    },
  ],
  tickets: [
    {
      id: '0',
      label: 'Support Pipeline',
      displayOrder: 0,
      stages: [
        ticketStage('1', 'New', 0, true),
        ticketStage('2', 'Waiting on contact', 1, true),
        ticketStage('3', 'Waiting on us', 2, true),
        ticketStage('4', 'Closed', 3, false),
      ],
    },
  ],
};

/** Timestamps of the built-in pipelines: fixed, so responses are stable across restarts. */
const createdAt = '2020-01-01T00:00:00.000Z';

function renderPipeline(pipeline: PipelineDefinition) {
  return {
    id: pipeline.id,
    label: pipeline.label,
    displayOrder: pipeline.displayOrder,
    archived: false,
    createdAt,
    updatedAt: createdAt,
    stages: pipeline.stages.map((stage) => ({ ...stage, archived: false, createdAt, updatedAt: createdAt, writePermissions: 'CRUD' })),
  };
}

function pipelinesOf(objectType: string): readonly PipelineDefinition[] {
  const key = objectType === 'deal' || objectType === '0-3' ? 'deals' : objectType === 'ticket' || objectType === '0-5' ? 'tickets' : objectType;
  if (key !== 'deals' && key !== 'tickets') throw notFound(`Unable to find pipelines for object type ${objectType}`);
  return defaultPipelines[key];
}

/** `/crm/v3/pipelines/{objectType}` list and get (read-only: the sync reads stages, it never edits pipelines). */
export function registerPipelineRoutes(app: FastifyInstance): void {
  app.get<{ Params: { objectType: string } }>('/crm/v3/pipelines/:objectType', async (request) => ({
    results: pipelinesOf(request.params.objectType).map(renderPipeline),
  }));

  const findPipeline = (objectType: string, pipelineId: string) => {
    const pipeline = pipelinesOf(objectType).find((p) => p.id === pipelineId);
    if (!pipeline) throw notFound(`Unable to find pipeline ${pipelineId}`, { pipelineId: [pipelineId] });
    return pipeline;
  };

  app.get<{ Params: { objectType: string; pipelineId: string } }>('/crm/v3/pipelines/:objectType/:pipelineId', async (request) =>
    renderPipeline(findPipeline(request.params.objectType, request.params.pipelineId)),
  );

  app.get<{ Params: { objectType: string; pipelineId: string } }>('/crm/v3/pipelines/:objectType/:pipelineId/stages', async (request) => ({
    results: renderPipeline(findPipeline(request.params.objectType, request.params.pipelineId)).stages,
  }));
}
